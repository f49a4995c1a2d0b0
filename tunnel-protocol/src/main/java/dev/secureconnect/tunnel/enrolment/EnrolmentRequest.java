package dev.secureconnect.tunnel.enrolment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an appliance sends to the server's enrolment listener ({@code POST} {@value #PATH}, JSON): its one-time code,
 * its serial and a PEM PKCS#10 certificate request for the key it made. {@link #parse} reads an untrusted body
 * strictly and bounded; {@code toString()} never shows the code.
 *
 * <pre>{"code": "SC1.…", "serial": "SN-1234", "csr": "-----BEGIN CERTIFICATE REQUEST-----…"}</pre>
 */
public record EnrolmentRequest(String code, String serial, String csr) {

    /** The request's path on the enrolment listener. */
    public static final String PATH = "/v1/enrol";

    /** The largest body read: a 4096-bit RSA request is under 2 KiB of PEM. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    static final int MAX_CODE_CHARS = 128;
    static final int MAX_SERIAL_CHARS = 64;

    private static final ObjectMapper JSON = Mappers.strictJson();
    private static final Set<String> FIELDS = Set.of("code", "serial", "csr");

    public EnrolmentRequest {
        requireNonNull(code, "code");
        requireNonNull(serial, "serial");
        requireNonNull(csr, "csr");
    }

    /**
     * Reads a request body.
     *
     * @throws InvalidEnrolmentRequestException one line naming what is wrong and what was expected
     */
    public static EnrolmentRequest parse(byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment request has " + body.length + " bytes: at most " + MAX_BODY_BYTES + " are read");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidEnrolmentRequestException("the enrolment request is not JSON: "
                    + OneLine.clipped(e.getOriginalMessage(), 120) + " (expected {\"code\", \"serial\", \"csr\"})");
        } catch (java.io.IOException e) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment request cannot be read: " + OneLine.of(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment request is not a JSON object (expected {\"code\", \"serial\", \"csr\"})");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidEnrolmentRequestException("the enrolment request has an unknown field '"
                        + OneLine.quoted(name, 32) + "' (expected code, serial and csr)");
            }
        }
        String code = text(root, "code", MAX_CODE_CHARS);
        String serial = text(root, "serial", MAX_SERIAL_CHARS);
        String csr = text(root, "csr", MAX_BODY_BYTES);
        if (serial.isBlank()) {
            throw new InvalidEnrolmentRequestException("the enrolment request's serial is empty");
        }
        return new EnrolmentRequest(code, serial, csr);
    }

    /** The body to send. */
    public byte[] toJson() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("serial", serial);
        body.put("csr", csr);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write the enrolment request: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field, int maxChars) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment request has no text field '" + field + "' (expected code, serial and csr)");
        }
        String text = value.textValue();
        if (text.length() > maxChars) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment request's " + field + " has " + text.length() + " characters: at most " + maxChars);
        }
        return text;
    }

    @Override
    public String toString() {
        return "EnrolmentRequest[serial=" + OneLine.quoted(serial, 64) + ", code=(hidden), csr=" + csr.length()
                + " characters]";
    }
}

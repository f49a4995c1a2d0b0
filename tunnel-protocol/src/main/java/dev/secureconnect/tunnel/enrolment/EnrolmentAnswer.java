package dev.secureconnect.tunnel.enrolment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's answer to an accepted {@link EnrolmentRequest} (200, JSON): the appliance's certificate, the CA
 * certificates below the root (the enrolment CA that signed it, then the issuing CA that signs the server's and
 * engineers' certificates, which the appliance checks), the root, the server's public token key set (a JWK Set, as {@code sc-server
 * token-key} prints it) and the port of the appliance listener, on the host the appliance dialled for enrolment.
 *
 * <pre>{"certificate": PEM, "chain": PEM, "root": PEM, "tokenKeys": "{\"keys\":[…]}", "applianceListenerPort": 8443}</pre>
 *
 * <p>A refusal is a 4xx answer {@code {"error": one line, "reason": code}}.
 */
public record EnrolmentAnswer(
        String certificate, String chain, String root, String tokenKeys, int applianceListenerPort) {

    /** The largest answer read: certificates and a key set, a few KiB. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = Mappers.strictJson();

    public EnrolmentAnswer {
        requireNonNull(certificate, "certificate");
        requireNonNull(chain, "chain");
        requireNonNull(root, "root");
        requireNonNull(tokenKeys, "tokenKeys");
        if (applianceListenerPort < 1 || applianceListenerPort > 65_535) {
            throw new InvalidEnrolmentRequestException(
                    "applianceListenerPort: " + applianceListenerPort + " (expected: 1-65535)");
        }
    }

    /**
     * Reads the server's answer.
     *
     * @throws InvalidEnrolmentRequestException one line naming what is missing
     */
    public static EnrolmentAnswer parse(byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment answer has " + body.length + " bytes: at most " + MAX_BODY_BYTES + " are read");
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new InvalidEnrolmentRequestException("the enrolment answer is not a JSON object");
            }
            JsonNode port = root.get("applianceListenerPort");
            if (port == null || !port.canConvertToInt()) {
                throw new InvalidEnrolmentRequestException("the enrolment answer names no applianceListenerPort");
            }
            return new EnrolmentAnswer(
                    text(root, "certificate"),
                    text(root, "chain"),
                    text(root, "root"),
                    text(root, "tokenKeys"),
                    port.intValue());
        } catch (JacksonException e) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment answer is not JSON: " + OneLine.clipped(e.getOriginalMessage(), 120));
        } catch (java.io.IOException e) {
            throw new InvalidEnrolmentRequestException(
                    "the enrolment answer cannot be read: " + OneLine.of(e.getMessage()));
        }
    }

    /** The body to send. */
    public byte[] toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("certificate", certificate);
        body.put("chain", chain);
        body.put("root", root);
        body.put("tokenKeys", tokenKeys);
        body.put("applianceListenerPort", applianceListenerPort);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write the enrolment answer: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidEnrolmentRequestException("the enrolment answer has no text field '" + field + "'");
        }
        return value.textValue();
    }
}

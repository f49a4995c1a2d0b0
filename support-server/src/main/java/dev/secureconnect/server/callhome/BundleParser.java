package dev.secureconnect.server.callhome;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads a bundle as it arrives — untrusted bytes from an authenticated appliance: gunzipped within a bound, parsed as
 * JSON, and the fields the server relies on checked ({@code format}, {@code id} a UUID, {@code serial},
 * {@code createdAt}, {@code trigger}, {@code product.version}). Anything else in the bundle is kept but not
 * interpreted here. Every refusal is a {@link BundleRefusedException} with a one-line reason.
 */
public final class BundleParser {

    public static final String FORMAT = "secureconnect-callhome-v1";
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._:+-]{1,64}");
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final ObjectMapper JSON = Mappers.json();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private BundleParser() {}

    /** The JSON inside {@code compressed}, which may expand to at most {@code maxJsonBytes}. */
    public static byte[] gunzip(byte[] compressed, long maxJsonBytes) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                if (out.size() > maxJsonBytes) {
                    throw new BundleRefusedException(
                            413, "the bundle expands to more than " + maxJsonBytes + " bytes of JSON");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new BundleRefusedException(400, "the body is not gzip: " + OneLine.of(e.getMessage()));
        }
    }

    /** The fields of {@code json} the server stores. */
    public static ReceivedBundle parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BundleRefusedException(
                    400,
                    "malformed JSON: " + OneLine.of(e.getOriginalMessage()) + " (line "
                            + (e.getLocation() == null ? 0 : e.getLocation().getLineNr()) + ")");
        } catch (IOException e) {
            throw new BundleRefusedException(400, "malformed JSON: " + OneLine.of(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BundleRefusedException(400, "malformed bundle: not a JSON object");
        }
        String format = text(root, "format");
        if (!FORMAT.equals(format)) {
            throw new BundleRefusedException(
                    400, "format " + OneLine.quoted(format) + " is not supported (expected " + FORMAT + ")");
        }
        String id = text(root, "id");
        try {
            if (!UUID.fromString(id).toString().equals(id)) {
                throw new IllegalArgumentException("not canonical");
            }
        } catch (IllegalArgumentException e) {
            throw new BundleRefusedException(400, "id " + OneLine.quoted(id) + " is not a UUID");
        }
        String serial = text(root, "serial");
        if (!SERIAL.matcher(serial).matches()) {
            throw new BundleRefusedException(400, "serial " + OneLine.quoted(serial) + " is not a serial");
        }
        Instant createdAt;
        try {
            createdAt = Instant.parse(text(root, "createdAt"));
        } catch (DateTimeParseException e) {
            throw new BundleRefusedException(
                    400, "createdAt " + OneLine.quoted(text(root, "createdAt")) + " is not an ISO-8601 instant");
        }
        String trigger = text(root, "trigger");
        if (!trigger.equals("schedule") && !trigger.equals("admin")) {
            throw new BundleRefusedException(
                    400, "trigger " + OneLine.quoted(trigger) + " is not one of schedule, admin");
        }
        String version = root.path("product").path("version").asText("");
        if (!WORD.matcher(version).matches()) {
            throw new BundleRefusedException(400, "product.version " + OneLine.quoted(version) + " is not valid");
        }
        return new ReceivedBundle(id, serial, createdAt, trigger, version, summary(root));
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new BundleRefusedException(400, "malformed bundle: " + field + " is missing or not a string");
        }
        return node.asText();
    }

    /** {@code checks failing: raid; services down: web; fullest /data 97.5%}, or {@code healthy}. */
    static String summary(JsonNode root) {
        List<String> parts = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        root.path("healthChecks").forEach(check -> {
            if (!check.path("healthy").asBoolean(false)) {
                failing.add(check.path("name").asText("?"));
            }
        });
        if (!failing.isEmpty()) {
            parts.add("checks failing: " + String.join(", ", failing));
        }
        List<String> down = new ArrayList<>();
        root.path("services").forEach(service -> {
            if (!service.path("accepting").asBoolean(true)) {
                down.add(service.path("name").asText("?"));
            }
        });
        if (!down.isEmpty()) {
            parts.add("services down: " + String.join(", ", down));
        }
        String fullest = null;
        double most = -1;
        for (JsonNode fs : root.path("system").path("fileSystems")) {
            double used = fs.path("usedPercent").asDouble(-1);
            if (used > most) {
                most = used;
                fullest = fs.path("mount").asText("?");
            }
        }
        if (fullest != null) {
            parts.add("fullest " + fullest + " " + most + "%");
        }
        String summary = parts.isEmpty() ? "healthy" : String.join("; ", parts);
        return OneLine.clipped(summary, 300);
    }
}

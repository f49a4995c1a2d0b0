package dev.secureconnect.server.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One export sink of {@code server.yaml}'s {@code sinks} list: where audit records go, which ones, in what form.
 * Every sink reads the audit log after its own durable cursor; reference: docs/server.md, "Export sinks".
 *
 * @param name unique, {@code [a-z0-9_-]}, 1–64 characters; the cursor is kept under this name
 * @param type {@code syslog}, {@code webhook} or {@code file}
 * @param transport syslog: {@code udp}, {@code tcp} (RFC 6587 octet counting) or {@code tls} (RFC 5425); default tcp
 * @param target syslog: {@code HOST:PORT}
 * @param format syslog: {@code rfc5424} (default), {@code cef}, {@code leef} or {@code json}
 * @param facility syslog facility, a name ({@code audit}, {@code authpriv}, {@code local0}…) or 0–23; default audit
 * @param ca syslog tls / webhook https: the receiver's CA file (PEM)
 * @param certificate syslog tls: the client certificate (PEM), with {@code key}; optional
 * @param key syslog tls: the client certificate's private key (PEM)
 * @param url webhook: the {@code http(s)://} address events are POSTed to
 * @param secretFile webhook: the file holding the HMAC-SHA256 secret (mode 0600)
 * @param path file: the JSON-lines file, e.g. on the off-site mount
 * @param maxBytes file: rotate when the file would grow past this, default 100 MiB
 * @param keep file: rotated files kept, default 10
 * @param minSeverity only events at least this severe ({@code emergency} … {@code debug}); default debug (all)
 * @param events only these event ids or id ranges ({@code 1200-1299}, {@code 1600}); default all
 * @param categories only events of these categories (as in docs/events.md, e.g. {@code sessions}); default all
 * @param startAt a new sink starts at the {@code oldest} record (default: the whole log) or {@code now}
 * @param connectTimeout how long a connection may take, default PT10S
 * @param timeout how long one delivery may take, default PT30S
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sink(
        String name,
        String type,
        String transport,
        String target,
        String format,
        String facility,
        String ca,
        String certificate,
        String key,
        String url,
        String secretFile,
        String path,
        Long maxBytes,
        Integer keep,
        String minSeverity,
        List<String> events,
        List<String> categories,
        String startAt,
        Duration connectTimeout,
        Duration timeout) {

    public static final List<String> TYPES = List.of("syslog", "webhook", "file");
    public static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls");
    public static final List<String> FORMATS = List.of("rfc5424", "cef", "leef", "json");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");

    /** A missing setting ({@code null}) takes the default documented above; the type's required ones are checked. */
    public Sink(
            String name,
            String type,
            String transport,
            String target,
            String format,
            String facility,
            String ca,
            String certificate,
            String key,
            String url,
            String secretFile,
            String path,
            Long maxBytes,
            Integer keep,
            String minSeverity,
            @Nullable List<String> events,
            @Nullable List<String> categories,
            @Nullable String startAt,
            @Nullable Duration connectTimeout,
            @Nullable Duration timeout) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("sink name '" + name + "' is not valid: use 1-64 of a-z 0-9 _ -");
        }
        String what = "sink '" + name + "'";
        type = choice(what, "type", type, null, TYPES);
        events = events == null ? List.of() : List.copyOf(events);
        categories = categories == null ? List.of() : List.copyOf(categories);
        startAt = choice(what, "startAt", startAt, "oldest", List.of("oldest", "now"));
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        switch (type) {
            case "syslog" -> {
                transport = choice(what, "transport", transport, "tcp", TRANSPORTS);
                format = choice(what, "format", format, "rfc5424", FORMATS);
                facility = facility == null || facility.isBlank() ? "audit" : facility.trim();
                required(what, "target", target, "HOST:PORT of the syslog receiver");
                ServerConfig.Listener.parse(target);
                if ("tls".equals(transport)) {
                    required(what, "ca", ca, "the receiver's CA file for transport tls");
                    if ((certificate == null) != (key == null)) {
                        throw new IllegalArgumentException(what + ": give both certificate and key, or neither");
                    }
                }
                only(what, "syslog", url, "url", secretFile, "secretFile", path, "path");
            }
            case "webhook" -> {
                required(what, "url", url, "the http(s):// address to POST events to");
                URI uri = URI.create(url.trim());
                if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException(what + ": url '" + url + "' is not an http(s):// address");
                }
                required(what, "secretFile", secretFile, "the file with the HMAC-SHA256 secret");
                only(what, "webhook", target, "target", path, "path", transport, "transport", format, "format");
            }
            default -> {
                required(what, "path", path, "the JSON-lines file to append to");
                maxBytes = maxBytes == null ? 100L << 20 : maxBytes;
                keep = keep == null ? 10 : keep;
                if (maxBytes < 4096 || keep < 1) {
                    throw new IllegalArgumentException(what + ": maxBytes must be at least 4096 and keep at least 1");
                }
                only(what, "file", target, "target", url, "url", transport, "transport", format, "format");
            }
        }
        this.name = name;
        this.type = type;
        this.transport = transport;
        this.target = target;
        this.format = format;
        this.facility = facility;
        this.ca = ca;
        this.certificate = certificate;
        this.key = key;
        this.url = url;
        this.secretFile = secretFile;
        this.path = path;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.minSeverity = minSeverity;
        this.events = events;
        this.categories = categories;
        this.startAt = startAt;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    /** {@code syslog tls siem:6514 cef}, {@code webhook https://…}, {@code file /mnt/…}: for listings. */
    public String describe() {
        return switch (type) {
            case "syslog" -> "syslog " + transport + " " + target + " " + format;
            case "webhook" -> { // no user info or query: they may hold secrets
                URI uri = URI.create(url.trim());
                yield "webhook " + uri.getScheme() + "://" + uri.getHost()
                        + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath();
            }
            default -> "file " + path;
        };
    }

    private static String choice(
            String what, String field, @Nullable String value, @Nullable String fallback, List<String> choices) {
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw new IllegalArgumentException(
                        what + ": '" + field + "' is required (one of " + String.join(", ", choices) + ")");
            }
            return fallback;
        }
        String normal = value.trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(normal)) {
            throw new IllegalArgumentException(
                    what + ": " + field + " '" + value + "' is not one of " + String.join(", ", choices));
        }
        return normal;
    }

    private static void required(String what, String field, @Nullable String value, String meaning) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + ": '" + field + "' is required (" + meaning + ")");
        }
    }

    private static void only(String what, String type, String... valueAndField) {
        for (int i = 0; i < valueAndField.length; i += 2) {
            if (valueAndField[i] != null) {
                throw new IllegalArgumentException(
                        what + ": '" + valueAndField[i + 1] + "' does not apply to type " + type);
            }
        }
    }
}

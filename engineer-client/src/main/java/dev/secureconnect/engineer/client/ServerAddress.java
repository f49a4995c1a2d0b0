package dev.secureconnect.engineer.client;

import dev.secureconnect.crypto.text.OneLine;

/**
 * The server's engineer listener, as given with {@code --server HOST:PORT} ({@code [::1]:PORT} for IPv6).
 *
 * @param host a DNS name or an IP address, without brackets
 */
public record ServerAddress(String host, int port) {

    public ServerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("server host is missing");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("server port " + port + " is not valid: expected 1 to 65535");
        }
    }

    /**
     * @throws IllegalArgumentException with a one-line message quoting the input unless it is {@code HOST:PORT}
     */
    public static ServerAddress parse(String text) {
        String value = text == null ? "" : text.strip();
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw invalid(text);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw invalid(text);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (host.isEmpty() || port < 1 || port > 65_535) {
            throw invalid(text);
        }
        return new ServerAddress(host, port);
    }

    /** The host as it goes into a URL or an {@code :authority}: IPv6 addresses in brackets. */
    public String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return hostForUrl() + ":" + port;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("server '" + OneLine.of(text) + "' is not valid: expected HOST:PORT");
    }
}

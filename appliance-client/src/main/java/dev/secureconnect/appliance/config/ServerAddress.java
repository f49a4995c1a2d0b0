package dev.secureconnect.appliance.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.crypto.text.OneLine;
import io.netty.util.NetUtil;
import java.util.Objects;
import javax.net.ssl.SNIHostName;

/**
 * The support server the appliance dials, as {@code HOST:PORT}: a DNS name, an IPv4 address or an IPv6 address in
 * brackets ({@code [::1]:8443}). The host is also the name the server's certificate must carry.
 */
public record ServerAddress(String host, int port) {

    public ServerAddress {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65_535) {
            throw new ApplianceException("server port " + port + " is not valid: expected 1 to 65535");
        }
    }

    /**
     * Reads {@code HOST:PORT}.
     *
     * @throws ApplianceException naming what is wrong, e.g. {@code server 'example.com' is not HOST:PORT: the port is
     *     missing}
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ServerAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ApplianceException("server is missing: expected HOST:PORT, e.g. support.example.com:8443");
        }
        String value = text.strip();
        String quoted = "server '" + OneLine.of(value) + "' is not HOST:PORT";
        if (value.contains("/") || value.contains("@")) {
            throw new ApplianceException(quoted + ": give HOST:PORT alone, without a scheme, user or path");
        }
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw new ApplianceException(quoted + ": write an IPv6 address as [ADDRESS]:PORT");
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new ApplianceException(quoted + ": '" + host + "' is not an IPv6 address");
            }
        } else {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new ApplianceException(quoted + ": the port is missing");
            }
            if (value.indexOf(':') != colon) {
                throw new ApplianceException(quoted + ": write an IPv6 address in brackets, e.g. [::1]:8443");
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            if (host.isEmpty()) {
                throw new ApplianceException(quoted + ": the host is missing");
            }
            if (!NetUtil.isValidIpV4Address(host) && !isDnsName(host)) {
                throw new ApplianceException(
                        quoted + ": '" + OneLine.of(host) + "' is not a DNS name or an IP address");
            }
        }
        if (!port.matches("\\d{1,5}")) {
            throw new ApplianceException(
                    quoted + ": the port '" + OneLine.of(port) + "' is not a number from 1 to 65535");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65_535) {
            throw new ApplianceException(quoted + ": the port " + number + " is not from 1 to 65535");
        }
        return new ServerAddress(host, number);
    }

    private static boolean isDnsName(String host) {
        if (!host.matches("[A-Za-z0-9.-]+") || host.startsWith(".") || host.startsWith("-")) {
            return false;
        }
        try {
            new SNIHostName(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @JsonValue
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

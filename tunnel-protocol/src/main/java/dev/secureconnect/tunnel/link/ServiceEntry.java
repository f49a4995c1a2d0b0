package dev.secureconnect.tunnel.link;

import java.util.Objects;

/** A loopback service the appliance admin allow-listed for support streams, e.g. {@code ssh} on port 22. */
public record ServiceEntry(String name, int port) {
    public ServiceEntry {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9._-]{1,32}")) {
            throw new IllegalArgumentException(
                    "service name '" + name + "' is not valid: use 1 to 32 of A-Z a-z 0-9 . _ -");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("service port " + port + " is not valid: expected 1 to 65535");
        }
    }
}

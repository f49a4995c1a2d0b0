package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * Where an allowed stream goes.
 *
 * @param address the address to dial (a loopback literal, never resolved)
 * @param service the allow-listed service's name
 */
public record StreamTarget(InetSocketAddress address, String service) {

    public StreamTarget {
        requireNonNull(address, "address");
        requireNonNull(service, "service");
    }
}

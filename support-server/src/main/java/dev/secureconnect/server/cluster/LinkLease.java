package dev.secureconnect.server.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One appliance's link lease, as read.
 *
 * @param serial the appliance
 * @param node the node that holds its link
 * @param takenAt when that node took it (the database's clock)
 * @param expiresAt when it ends unless that node renews it
 * @param live whether it has not expired yet
 */
public record LinkLease(String serial, String node, Instant takenAt, Instant expiresAt, boolean live) {

    public LinkLease {
        requireNonNull(serial, "serial");
        requireNonNull(node, "node");
        requireNonNull(takenAt, "takenAt");
        requireNonNull(expiresAt, "expiresAt");
    }
}

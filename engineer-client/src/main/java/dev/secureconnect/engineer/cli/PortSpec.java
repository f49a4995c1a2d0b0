package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.text.OneLine;

/**
 * {@code [LOCALPORT:]REMOTEPORT} of {@code forward}: the local port on 127.0.0.1 (0 = any free port) and the port of
 * the service on the appliance.
 */
record PortSpec(int localPort, int remotePort) {

    /** @throws IllegalArgumentException with a one-line message quoting the input */
    static PortSpec parse(String text) {
        String value = text == null ? "" : text.strip();
        int colon = value.indexOf(':');
        try {
            int local = colon < 0 ? 0 : Integer.parseInt(value.substring(0, colon));
            int remote = Integer.parseInt(value.substring(colon + 1));
            if (local >= 0 && local <= 65_535 && remote >= 1 && remote <= 65_535) {
                return new PortSpec(local, remote);
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("port spec '" + OneLine.of(text) + "' is not valid: expected"
                + " [LOCALPORT:]REMOTEPORT, e.g. 2222:22 or 22 (LOCALPORT 0-65535, 0 = any; REMOTEPORT 1-65535)");
    }

    /** A port of the appliance's service, for {@code proxy}. */
    static int remotePort(String text) {
        String value = text == null ? "" : text.strip();
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("port '" + OneLine.of(text) + "' is not valid: expected 1 to 65535");
    }
}

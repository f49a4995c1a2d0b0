package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

/**
 * What every session stream carries: the login session, the access token and the appliance it is for. Both
 * credentials are secrets: {@link #toString()} shows the appliance only.
 */
public record StreamCredentials(String session, String token, String appliance) {

    public StreamCredentials {
        requireNonNull(session, "session");
        requireNonNull(token, "token");
        requireNonNull(appliance, "appliance");
    }

    @Override
    public String toString() {
        return "StreamCredentials[appliance=" + appliance + ", session=(hidden), token=(hidden)]";
    }
}

package dev.secureconnect.appliance.access;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.token.AccessToken;

/**
 * What {@link SessionAuthorizer} verified: the access token and who holds it.
 *
 * @param token the verified token (its {@code engineer} is the login)
 * @param name the engineer's name from the certificate the token is bound to (its subject CN), as the certificate
 *     holds it: untrusted text, to be escaped wherever it is shown
 */
public record EngineerAccess(AccessToken token, String name) {

    public EngineerAccess {
        requireNonNull(token, "token");
        requireNonNull(name, "name");
    }
}

package dev.secureconnect.engineer.state;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A login session as {@code sc-engineer login} keeps it: where the server is, the identity (and trust) it was made
 * with, and the session value, which is bound on the server to that identity's certificate.
 *
 * @param server the server's engineer listener as {@code HOST:PORT}
 * @param identity the absolute path of the engineer's PKCS#12 file
 * @param ca the absolute path of the CA file given with {@code --ca}, if any
 * @param p12PassphraseFile the absolute path of the file holding the PKCS#12 passphrase, if one was given
 * @param login the engineer's login, as the server answered
 * @param session the session value (a bearer credential: never printed)
 * @param thumbprint the RFC 8705 thumbprint of the identity's certificate
 * @param expiresAt when the server forgets the session
 */
public record SavedSession(
        String server,
        Path identity,
        Optional<Path> ca,
        Optional<Path> p12PassphraseFile,
        String login,
        String session,
        String thumbprint,
        Instant expiresAt) {

    public SavedSession {
        requireNonNull(server, "server");
        requireNonNull(identity, "identity");
        requireNonNull(ca, "ca");
        requireNonNull(p12PassphraseFile, "p12PassphraseFile");
        requireNonNull(login, "login");
        requireNonNull(session, "session");
        requireNonNull(thumbprint, "thumbprint");
        requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the session is still good at {@code now}. */
    public boolean validAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** Everything but the session value. */
    @Override
    public String toString() {
        return "SavedSession[server=" + server + ", identity=" + identity + ", ca=" + ca.orElse(null)
                + ", p12PassphraseFile=" + p12PassphraseFile.orElse(null) + ", login=" + login
                + ", session=(hidden), thumbprint=" + thumbprint + ", expiresAt=" + expiresAt + "]";
    }
}

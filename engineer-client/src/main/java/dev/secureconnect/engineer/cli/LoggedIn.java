package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.client.Identity;
import dev.secureconnect.engineer.client.LastingConnection;
import dev.secureconnect.engineer.client.ServerAddress;
import dev.secureconnect.engineer.client.ServerConnection;
import dev.secureconnect.engineer.client.StreamCredentials;
import dev.secureconnect.engineer.client.Timeouts;
import dev.secureconnect.engineer.state.SavedSession;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A saved session that is still valid, the identity it is bound to (opened), and a connection to its server made with
 * it.
 */
record LoggedIn(SavedSession session, Identity identity, ServerConnection connection) implements AutoCloseable {

    /** The saved session, if it has not expired. */
    static SavedSession require(Console console) {
        Optional<SavedSession> saved = console.engineerHome().session();
        if (saved.isEmpty() || !saved.get().validAt(console.clock().instant())) {
            throw notLoggedIn(saved.orElse(null));
        }
        return saved.get();
    }

    /** Opens the identity of the saved session (asking for its passphrase unless a file was given at login) and connects. */
    static LoggedIn open(Console console) {
        SavedSession session = require(console);
        Identity identity = identity(
                session,
                Passphrases.identity(session.p12PassphraseFile().orElse(null), session.identity(), console.prompter()));
        return new LoggedIn(session, identity, connect(session, identity, console.timeouts()));
    }

    /** A connection to the session's server with {@code identity}. */
    static ServerConnection connect(SavedSession session, Identity identity, Timeouts timeouts) {
        return ServerConnection.connect(ServerAddress.parse(session.server()), identity, timeouts);
    }

    /** This connection, made again whenever it closes; {@code notices} told of the drops and attempts. */
    LastingConnection lasting(Timeouts timeouts, java.util.function.Consumer<String> notices) {
        return LastingConnection.of(
                connection, () -> connect(session, identity, timeouts), LastingConnection.BACKOFF, notices);
    }

    /**
     * Opens the identity of {@code session} with {@code passphrase} (wiped here) and checks it is the one the session
     * is bound to.
     */
    static Identity identity(SavedSession session, char[] passphrase) {
        Identity identity;
        try {
            identity =
                    Identity.load(session.identity(), passphrase, session.ca().orElse(null));
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        if (!identity.thumbprint().equals(session.thumbprint())) {
            throw new EngineerException("the certificate in " + session.identity() + " is not the one you logged in"
                    + " with: run sc-engineer login again");
        }
        return identity;
    }

    /**
     * {@link #open(Console)} while {@code token} is being opened on its own thread; should both fail, the token's
     * failure (wrong passphrase, altered file) is the one thrown, as it would be had the token been opened first.
     */
    static LoggedIn open(Console console, TokenOption.Loading token) {
        try {
            return open(console);
        } catch (RuntimeException e) {
            token.token(); // throws the token's own failure, if any
            throw e;
        }
    }

    static EngineerException notLoggedIn(@Nullable SavedSession saved) {
        String how = saved == null
                ? "--server HOST:PORT --identity FILE.p12"
                : "--server " + saved.server() + " --identity " + saved.identity();
        return new EngineerException("not logged in (or session expired): run sc-engineer login " + how);
    }

    /** The credentials of a session stream with {@code token}. */
    /**
     * The credentials of a session stream to appliance {@code serial} as the engineer named it: the token's own
     * spelling when they differ only in case (ssh lowercases {@code %h}), else {@code serial} itself — a token for
     * another appliance is sent as it is, for the server to refuse and audit.
     */
    StreamCredentials credentials(SignedAccessToken token, String serial) {
        String audience = token.claims().appliance();
        return new StreamCredentials(
                session.session(), token.serialize(), audience.equalsIgnoreCase(serial) ? audience : serial);
    }

    @Override
    public void close() {
        connection.close();
    }
}

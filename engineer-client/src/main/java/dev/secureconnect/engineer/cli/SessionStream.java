package dev.secureconnect.engineer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A session stream a command opened and the server answered 200: on a connection of the command's own
 * ({@link DirectStream}), or through the agent ({@link AgentStream}). Headers and trailers by lower-case name.
 */
interface SessionStream extends AutoCloseable {

    /** Where received bytes go (on a thread that may be shared: a slow receiver slows the stream down). */
    @FunctionalInterface
    interface Receiver {
        void write(ByteBuffer bytes) throws IOException;
    }

    /** A header of the server's answer. */
    Optional<String> header(String name);

    /**
     * Starts receiving what the server sends; completes with its trailers (empty when it ended with DATA), or fails
     * with a one-line reason.
     */
    CompletableFuture<Map<String, String>> receive(Receiver receiver);

    /** Sends everything {@code in} holds, with back-pressure, then ends this side; the number of bytes sent. */
    long send(InputStream in, @Nullable MessageDigest digest) throws IOException;

    /** Ends this side without sending anything. */
    void end();

    /** Ends the stream at once, both ways (a local failure). */
    void abort();

    /** How long to wait for the server's answer once everything was sent. */
    Duration answerTimeout();

    @Override
    void close();
}

package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.AgentClient;
import dev.secureconnect.engineer.agent.AgentProtocol;
import dev.secureconnect.engineer.agent.StreamRequest;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRefusedException;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Opening a session stream, through the agent when one runs ({@link AgentStream}) or on a connection of the
 * command's own ({@link DirectStream}), and reading its answer's headers and trailers.
 */
final class SessionStreams {

    private SessionStreams() {}

    /** A stream about to be opened to one appliance: the token is ready (opened, or held by the agent). */
    interface Opening {
        /**
         * Opens the stream and waits for the server's 200.
         *
         * @throws EngineerException "refused (STATUS): REASON" when the server or the appliance refused, or why the
         *     stream could not be opened
         */
        SessionStream open(StreamRequest request);
    }

    /**
     * Gets ready to open streams to {@code serial}: the agent when it runs (it holds the token, or is given it), else
     * the stored token opened now (asking for its passphrase), for a connection of the command's own.
     *
     * @param overlap open the token while the connection is made (proxy, forward) rather than before
     */
    static Opening prepare(Console console, TokenOption token, String serial, boolean overlap) {
        Optional<ViaAgent> agent = viaAgent(console, token, serial);
        if (agent.isPresent()) {
            return agent.get();
        }
        if (overlap) {
            TokenOption.Loading loading = token.startLoading(console, serial);
            return request -> {
                LoggedIn loggedIn = LoggedIn.open(console, loading);
                SignedAccessToken opened;
                try {
                    opened = loading.token();
                } catch (RuntimeException e) {
                    loggedIn.close();
                    throw e;
                }
                return direct(loggedIn, opened, serial, request);
            };
        }
        SignedAccessToken opened = token.load(console, serial);
        return request -> direct(LoggedIn.open(console), opened, serial, request);
    }

    /**
     * The agent, when one runs for the engineer's state directory, or was started for this command
     * ({@link AgentCommand#runningOrStarted}).
     */
    static Optional<ViaAgent> viaAgent(Console console, TokenOption token, String serial) {
        Optional<AgentClient> agent = AgentCommand.runningOrStarted(console);
        agent.ifPresent(AgentClient::close); // it runs: each stream gets a connection of its own
        return agent.map(running -> new ViaAgent(console, token, serial));
    }

    private static SessionStream direct(
            LoggedIn loggedIn, SignedAccessToken token, String serial, StreamRequest request) {
        try {
            return new DirectStream(
                    loggedIn,
                    open(
                            loggedIn,
                            request.headers(loggedIn.connection().server(), loggedIn.credentials(token, serial))));
        } catch (RuntimeException e) {
            loggedIn.close();
            throw e;
        }
    }

    /**
     * Through the agent. When it holds no token for the appliance, the stored one is opened here (asking for its
     * passphrase, once) and given to it, as {@code ssh-add} does, and the request is made again.
     */
    record ViaAgent(Console console, TokenOption token, String serial) implements Opening {
        @Override
        public SessionStream open(StreamRequest request) {
            Answered answered = ask(request.toAgent(serial));
            return new AgentStream(answered.agent(), answered.answer(), console.timeouts());
        }

        /**
         * Sends {@code request} (about this appliance) on a new connection to the agent, giving the agent the token
         * first when it holds none; a refusal throws its one-line error.
         *
         * @return the connection, open, and the agent's ok
         */
        Answered ask(ObjectNode request) {
            AgentClient agent = connect();
            JsonNode answer = agent.ask(request);
            if (!answer.path("ok").asBoolean()
                    && AgentProtocol.NO_TOKEN.equals(answer.path("code").asText())) {
                agent.close();
                give();
                agent = connect();
                answer = agent.ask(request);
            }
            if (!answer.path("ok").asBoolean()) {
                agent.close();
                throw AgentProtocol.failure(answer);
            }
            return new Answered(agent, answer);
        }

        /** A connection to the agent and its ok answer. */
        record Answered(AgentClient agent, JsonNode answer) {}

        /** Makes sure the agent holds a token for the appliance (forward: before it listens). */
        void ensureHeld() {
            JsonNode status;
            try (AgentClient agent = connect()) {
                status = agent.require(AgentProtocol.request(AgentProtocol.Op.STATUS));
            }
            for (JsonNode held : status.path("tokens")) {
                if (held.path("appliance").asText().equalsIgnoreCase(serial)) {
                    return;
                }
            }
            give();
        }

        private void give() {
            AgentCommand.add(console, token.load(console, serial));
        }

        private AgentClient connect() {
            return AgentClient.connect(console.engineerHome())
                    .orElseThrow(() -> new EngineerException(
                            "the agent at " + console.engineerHome().agentSocket() + " stopped: start it again with"
                                    + " sc-engineer agent start"));
        }
    }

    /** Received bytes to standard output, flushed; a closed standard output fails the stream. */
    static SessionStream.Receiver toStdout(java.io.PrintStream stdout) {
        return bytes -> {
            if (bytes.hasArray()) {
                stdout.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.duplicate().get(copy);
                stdout.write(copy, 0, copy.length);
            }
            stdout.flush();
            if (stdout.checkError()) {
                throw new java.io.IOException("standard output is closed");
            }
        };
    }

    /**
     * Opens the stream on the command's own connection and waits for the server's 200.
     *
     * @throws EngineerException "refused (STATUS): REASON" when the server or the appliance refused, or why the stream
     *     could not be opened
     */
    static StreamOpener.Opened open(LoggedIn loggedIn, io.netty.handler.codec.http2.Http2Headers request) {
        try {
            return loggedIn.connection().openAndWait(request);
        } catch (StreamRefusedException e) {
            throw new EngineerException(refusal(e), e);
        }
    }

    static String refusal(StreamRefusedException e) {
        return "refused (" + e.status() + "): " + OneLine.of(e.getMessage());
    }

    /** A header's value, or null. */
    static @Nullable String header(Map<String, String> headers, String name) {
        return headers.get(name);
    }

    /** The {@value LinkProtocol#HEADER_REASON} of trailers, or null. */
    static @Nullable String reason(Map<String, String> trailers) {
        String reason = header(trailers, LinkProtocol.HEADER_REASON);
        return reason == null || reason.isBlank() ? null : OneLine.of(reason);
    }

    /** Waits, without a time limit, for a stream's end (its peer decides when); interruption ends the wait. */
    static Map<String, String> awaitEnd(CompletableFuture<Map<String, String>> ended) {
        try {
            return ended.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineerException("interrupted", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    /** Waits at most {@code limit} for a stream's end. */
    static Map<String, String> await(CompletableFuture<Map<String, String>> ended, Duration limit, String timeout) {
        try {
            return ended.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineerException("interrupted", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (TimeoutException e) {
            ended.cancel(false);
            throw new EngineerException(timeout, e);
        }
    }

    private static RuntimeException failure(@Nullable Throwable cause) {
        if (cause instanceof RuntimeException runtime && !(cause instanceof DecoderException)) {
            return runtime;
        }
        if (cause == null) {
            return new EngineerException("the stream failed");
        }
        return new EngineerException(OneLine.of(cause.getMessage()), cause);
    }
}

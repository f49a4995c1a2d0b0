package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.AgentClient;
import dev.secureconnect.engineer.agent.AgentProtocol;
import dev.secureconnect.engineer.client.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A session stream the agent opened for the command ({@link AgentProtocol}'s frames). The agent closing the
 * connection before the stream's end (stopped, killed) fails it with one line.
 */
final class AgentStream implements SessionStream {

    /** The size of each DATA frame sent. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final AgentClient agent;
    private final JsonNode headers;
    private final Duration answerTimeout;
    private volatile boolean peerEnded;

    AgentStream(AgentClient agent, JsonNode answer, Timeouts timeouts) {
        this.agent = agent;
        this.headers = answer.path("headers");
        this.answerTimeout = timeouts.stream();
    }

    @Override
    public Optional<String> header(String name) {
        JsonNode value = headers.get(name);
        return value == null || !value.isTextual() ? Optional.empty() : Optional.of(value.asText());
    }

    @Override
    public CompletableFuture<Map<String, String>> receive(Receiver receiver) {
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        while (true) {
                            AgentProtocol.Frame frame = agent.receive();
                            if (frame.kind() == AgentProtocol.DATA) {
                                receiver.write(ByteBuffer.wrap(frame.payload()));
                            } else if (frame.kind() == AgentProtocol.TRAILERS) {
                                peerEnded = true;
                                agent.stopSending();
                                result.complete(trailers(frame.payload()));
                                return;
                            } else if (frame.kind() == AgentProtocol.FAILED) {
                                peerEnded = true;
                                agent.stopSending();
                                result.completeExceptionally(
                                        new EngineerException(new String(frame.payload(), StandardCharsets.UTF_8)));
                                return;
                            } else {
                                throw new IOException("unexpected frame '" + (char) frame.kind() + "'");
                            }
                        }
                    } catch (IOException e) {
                        peerEnded = true;
                        agent.stopSending();
                        result.completeExceptionally(agent.wentAway(e));
                    } catch (RuntimeException e) {
                        agent.close();
                        result.completeExceptionally(e);
                    }
                },
                "sc-engineer-agent-reader");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    @Override
    public long send(InputStream in, @Nullable MessageDigest digest) throws IOException {
        byte[] chunk = new byte[CHUNK_BYTES];
        long sent = 0;
        int read;
        while ((read = in.read(chunk)) != -1) {
            if (read == 0) {
                continue;
            }
            if (digest != null) {
                digest.update(chunk, 0, read);
            }
            try {
                agent.send(chunk, 0, read);
            } catch (IOException e) {
                throw new EngineerException("sending failed: the stream ended before everything was sent", e);
            }
            sent += read;
        }
        end();
        return sent;
    }

    @Override
    public void end() {
        try {
            agent.end();
        } catch (IOException e) {
            if (peerEnded) {
                return; // the stream ended first: its end says how
            }
            throw new EngineerException("sending failed: the stream ended before everything was sent", e);
        }
    }

    @Override
    public void abort() {
        agent.close(); // the agent resets the stream
    }

    @Override
    public Duration answerTimeout() {
        return answerTimeout;
    }

    @Override
    public void close() {
        agent.close();
    }

    private static Map<String, String> trailers(byte[] payload) throws IOException {
        JsonNode json = dev.secureconnect.engineer.internal.Json.MAPPER.readTree(payload);
        Map<String, String> trailers = new LinkedHashMap<>();
        json.fields()
                .forEachRemaining(
                        field -> trailers.put(field.getKey(), field.getValue().asText()));
        return trailers;
    }
}

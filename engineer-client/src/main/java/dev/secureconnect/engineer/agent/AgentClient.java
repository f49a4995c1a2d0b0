package dev.secureconnect.engineer.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.state.EngineerHome;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A command's connection to the agent: one request, its answer and, for a session stream, the frames
 * ({@link AgentProtocol}). Nothing here loads Netty or TLS, so a command served by the agent starts fast.
 */
public final class AgentClient implements AutoCloseable {

    /** The environment variable that turns the agent off for a command: {@code SC_ENGINEER_AGENT=off}. */
    public static final String ENVIRONMENT = "SC_ENGINEER_AGENT";

    private final Path socket;
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private AgentClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.in = new BufferedInputStream(AgentProtocol.input(channel), 64 * 1024);
        this.out = AgentProtocol.output(channel);
    }

    /**
     * Connects to the agent of {@code home}; empty when none runs there (no socket, or nobody listening on it), or
     * when {@value #ENVIRONMENT} is {@code off}.
     */
    public static Optional<AgentClient> connect(EngineerHome home) {
        if ("off".equalsIgnoreCase(String.valueOf(System.getenv(ENVIRONMENT)))) {
            return Optional.empty();
        }
        Path socket = home.agentSocket();
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return Optional.of(new AgentClient(socket, channel));
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing was sent
                }
            }
            return Optional.empty(); // a socket left by an agent that stopped: the command goes direct
        }
    }

    /**
     * Sends {@code request} and reads the answer, ok or not.
     *
     * @throws EngineerException if the agent closed the connection or the answer is not one
     */
    public JsonNode ask(ObjectNode request) {
        try {
            AgentProtocol.writeLine(out, request);
        } catch (IOException e) {
            try {
                return AgentProtocol.readLine(in); // it may have refused before reading: its answer says why
            } catch (IOException none) {
                throw wentAway(e);
            }
        }
        try {
            return AgentProtocol.readLine(in);
        } catch (IOException e) {
            throw wentAway(e);
        }
    }

    /** Like {@link #ask}, but a refusal throws its one-line error. */
    public JsonNode require(ObjectNode request) {
        JsonNode answer = ask(request);
        if (!answer.path("ok").asBoolean()) {
            throw AgentProtocol.failure(answer);
        }
        return answer;
    }

    /** Sends a DATA frame. */
    public void send(byte[] bytes, int offset, int length) throws IOException {
        AgentProtocol.writeFrame(out, AgentProtocol.DATA, bytes, offset, length);
    }

    /** Ends this side of the stream. */
    public void end() throws IOException {
        AgentProtocol.writeFrame(out, AgentProtocol.END, new byte[0], 0, 0);
    }

    /**
     * The agent's next line (a forward's problems).
     *
     * @throws java.io.EOFException when the agent closed the connection
     */
    public JsonNode receiveLine() throws IOException {
        return AgentProtocol.readLine(in);
    }

    /** The next frame from the agent. */
    public AgentProtocol.Frame receive() throws IOException {
        return AgentProtocol.readFrame(in);
    }

    /** Stops sending (a peer that ended its side early): a send blocked on a full socket fails at once. */
    public void stopSending() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // closed already
        }
    }

    /** The one-line error of a connection to the agent that broke. */
    public EngineerException wentAway(IOException cause) {
        return new EngineerException(
                "the agent at " + socket + " closed the connection (" + OneLine.of(String.valueOf(cause.getMessage()))
                        + "): did it stop? see sc-engineer agent status",
                cause);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to say to it
        }
    }
}

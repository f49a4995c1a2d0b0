package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.StreamRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code forward} through the agent: a listener on 127.0.0.1 whose every accepted socket becomes a CONNECT stream the
 * agent opens, relayed byte for byte (half-close passed on) by two threads. A stream that cannot be opened closes its
 * socket and reports the reason; the listener stays open (the agent may be started again).
 */
final class AgentForward implements AutoCloseable {

    private final ServerSocket listener;
    private final SessionStreams.Opening opening;
    private final StreamRequest request;
    private final Consumer<String> problems;

    private AgentForward(
            ServerSocket listener, SessionStreams.Opening opening, StreamRequest request, Consumer<String> problems) {
        this.listener = listener;
        this.opening = opening;
        this.request = request;
        this.problems = problems;
    }

    /**
     * Binds {@code 127.0.0.1:localPort} (0 = any free port) and starts forwarding.
     *
     * @throws EngineerException if the port cannot be bound
     */
    static AgentForward start(
            int localPort, SessionStreams.Opening opening, StreamRequest request, Consumer<String> problems) {
        ServerSocket listener;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort));
        } catch (IOException e) {
            throw new EngineerException(
                    "cannot listen on 127.0.0.1:" + localPort + ": " + OneLine.of(e.getMessage()), e);
        }
        AgentForward forward = new AgentForward(listener, opening, request, problems);
        Thread acceptor = new Thread(forward::accept, "sc-engineer-forward");
        acceptor.setDaemon(true);
        acceptor.start();
        return forward;
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread relay = new Thread(() -> relay(socket), "sc-engineer-forward-relay");
            relay.setDaemon(true);
            relay.start();
        }
    }

    private void relay(Socket socket) {
        try (socket;
                SessionStream stream = opening.open(request)) {
            OutputStream toSocket = socket.getOutputStream();
            CompletableFuture<Map<String, String>> ended = stream.receive(bytes -> {
                toSocket.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                toSocket.flush();
            });
            ended.whenComplete((trailers, failure) -> {
                try {
                    if (failure == null) {
                        socket.shutdownOutput(); // the service ended its side
                    } else {
                        socket.close();
                    }
                } catch (IOException e) {
                    // closed already
                }
            });
            try {
                stream.send(socket.getInputStream(), null);
            } catch (IOException | EngineerException e) {
                // the local side failed or the stream ended first: the stream's end says how
            }
            SessionStreams.awaitEnd(ended);
        } catch (EngineerException | IOException e) {
            problems.accept(OneLine.of(e.getMessage()));
        }
    }

    /** Waits until the listener is closed (the process is stopped). */
    void awaitClose() throws InterruptedException {
        while (!listener.isClosed()) {
            synchronized (this) {
                wait(1000);
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closed already
        }
    }
}

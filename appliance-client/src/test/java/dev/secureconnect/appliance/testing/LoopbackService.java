package dev.secureconnect.appliance.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service on 127.0.0.1, port 0: an echo (everything read is written back; the client's half-close is answered with
 * a half-close) or a listener that only counts the connections it accepts, to prove a target was never dialled.
 */
public final class LoopbackService implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final boolean echo;
    private final byte[] reply;
    private final Thread acceptor;

    private LoopbackService(boolean echo, byte[] reply) throws IOException {
        this.echo = echo;
        this.reply = reply;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "loopback-service-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static LoopbackService echo() throws IOException {
        return new LoopbackService(true, null);
    }

    /** Accepts and counts connections, then closes them. */
    public static LoopbackService counting() throws IOException {
        return new LoopbackService(false, null);
    }

    /** Answers every connection with {@code text}, then closes it: a server that does not speak TLS. */
    public static LoopbackService replying(String text) throws IOException {
        return new LoopbackService(false, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                if (echo) {
                    Thread worker = new Thread(() -> echo(socket), "echo-" + socket.getPort());
                    worker.setDaemon(true);
                    worker.start();
                } else {
                    if (reply != null) {
                        socket.getOutputStream().write(reply);
                        socket.getOutputStream().flush();
                    }
                    socket.close();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            // the stream was closed: nothing to echo
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

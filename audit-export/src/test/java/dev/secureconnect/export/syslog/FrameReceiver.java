package dev.secureconnect.export.syslog;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A syslog receiver on 127.0.0.1, port chosen by the system: TCP or TLS, reading RFC 6587 octet-counted frames
 * into a queue; every wait is bounded by {@link #WAIT}.
 */
final class FrameReceiver implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final ServerSocket server;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> clientSubjects = new LinkedBlockingQueue<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private FrameReceiver(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "test-syslog-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FrameReceiver tcp() throws IOException {
        return new FrameReceiver(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** A TLS receiver that requires a client certificate when {@code needClientAuth}. */
    static FrameReceiver tls(SSLContext context, boolean needClientAuth) throws IOException {
        SSLServerSocket server =
                (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.setNeedClientAuth(needClientAuth);
        return new FrameReceiver(server);
    }

    int port() {
        return server.getLocalPort();
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    /** The next {@code count} messages, failing if they do not all arrive within {@link #WAIT} each. */
    List<String> take(int count) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        while (taken.size() < count) {
            String message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                return fail("received %d of %d messages within %s", taken.size(), count, WAIT);
            }
            taken.add(message);
        }
        return taken;
    }

    /** The subject of the next client certificate seen, waiting at most {@link #WAIT}. */
    String clientSubject() throws InterruptedException {
        String subject = clientSubjects.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return subject == null ? fail("no TLS client certificate seen within %s", WAIT) : subject;
    }

    /** Closes every open connection, as a restarting receiver does; keeps listening. */
    void dropConnections() throws IOException {
        for (Socket connection : connections) {
            connection.close();
            connections.remove(connection);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                connections.add(socket);
                Thread reader = new Thread(() -> read(socket), "test-syslog-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket socket) {
        try (socket) {
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
                if (tls.getNeedClientAuth()) {
                    clientSubjects.add(((java.security.cert.X509Certificate)
                                    tls.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal()
                            .getName());
                }
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            while (true) {
                int length = readLength(in);
                if (length < 0) {
                    return;
                }
                byte[] message = new byte[length];
                in.readFully(message);
                messages.add(new String(message, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the client went away or the test closed the connection
        }
    }

    /** MSG-LEN SP: digits, then one space; -1 at a clean end of stream. */
    private static int readLength(InputStream in) throws IOException {
        int length = 0;
        int digits = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (digits == 0) {
                    return -1;
                }
                throw new EOFException("stream ended inside MSG-LEN");
            }
            if (c == ' ' && digits > 0) {
                return length;
            }
            if (c < '0' || c > '9' || digits > 9) {
                throw new IOException("not an octet-counted frame: byte " + c);
            }
            length = length * 10 + (c - '0');
            digits++;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
    }
}

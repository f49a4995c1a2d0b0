package dev.secureconnect.export.syslog;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.export.DeliveryException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** TCP or TLS with octet-counting framing, connected lazily and kept between batches. */
final class StreamSender implements Sender {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSender.class);
    private static final int BUFFER = 16 * 1024;
    private static final long CLOSE_WAIT_MILLIS = 1_000;

    private final SyslogSettings settings;
    private final @Nullable TlsLayer tls;
    private @Nullable Connection connection;

    /** @param tls null for plain TCP */
    StreamSender(SyslogSettings settings, @Nullable TlsLayer tls) {
        this.settings = settings;
        this.tls = tls;
    }

    @Override
    public void send(List<String> messages) throws DeliveryException {
        if (connection != null && !connection.open()) {
            LOG.info("Syslog receiver {} closed the connection; reconnecting", settings.address());
            abort();
        }
        if (connection == null) {
            connection = connect();
        }
        try {
            for (String message : messages) {
                connection.out.write(OctetCounting.frame(message));
            }
            connection.out.flush();
        } catch (IOException e) {
            boolean timedOut = connection.watchdog.expired();
            abort();
            if (timedOut) {
                throw new DeliveryException(
                        "timed out writing to " + settings.address() + ": the receiver took" + " nothing for "
                                + settings.writeTimeout(),
                        e);
            }
            throw new DeliveryException("connection to " + settings.address() + " lost: " + OneLine.reason(e), e);
        }
    }

    private Connection connect() throws DeliveryException {
        InetSocketAddress target = new InetSocketAddress(settings.bareHost(), settings.port());
        if (target.isUnresolved()) {
            throw new DeliveryException("unknown host '" + settings.bareHost() + "'");
        }
        if (tls != null) {
            tls.prepare();
        }
        Socket raw = new Socket();
        try {
            raw.connect(target, timeoutMillis(settings.connectTimeout()));
        } catch (ConnectException e) {
            closeQuietly(raw);
            throw new DeliveryException(
                    String.valueOf(e.getMessage()).contains("refused")
                            ? "connection refused by " + settings.address()
                            : "cannot connect to " + settings.address() + ": " + OneLine.reason(e),
                    e);
        } catch (SocketTimeoutException e) {
            closeQuietly(raw);
            throw new DeliveryException(
                    "no answer from " + settings.address() + " within " + settings.connectTimeout()
                            + " (connect timeout)",
                    e);
        } catch (NoRouteToHostException e) {
            closeQuietly(raw);
            throw new DeliveryException("no route to " + settings.address(), e);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new DeliveryException("cannot connect to " + settings.address() + ": " + OneLine.reason(e), e);
        }
        Socket socket = raw;
        if (tls != null) {
            socket = tls.handshake(raw);
        }
        try {
            raw.setTcpNoDelay(true);
            WriteWatchdog watchdog = new WriteWatchdog(raw, settings.writeTimeout());
            OutputStream out =
                    new BufferedOutputStream(new DeadlineOutputStream(socket.getOutputStream(), watchdog), BUFFER);
            LOG.debug(
                    "Connected to syslog receiver {} over {}",
                    settings.address(),
                    settings.transport().label());
            return new Connection(raw, socket, socket.getInputStream(), out, watchdog);
        } catch (IOException e) {
            closeQuietly(socket);
            closeQuietly(raw);
            throw new DeliveryException("connection to " + settings.address() + " lost: " + OneLine.reason(e), e);
        }
    }

    /** Closes abruptly: the socket first, so that nothing can block (no TLS close_notify). */
    private void abort() {
        if (connection != null) {
            closeQuietly(connection.raw);
            closeQuietly(connection.socket);
            connection = null;
        }
    }

    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        Connection closing = connection;
        connection = null;
        closing.watchdog.arm();
        try {
            closing.out.flush();
            // a TLS socket waits for the receiver's close_notify after sending its own: not for long
            closing.socket.setSoTimeout(
                    (int) Math.min(CLOSE_WAIT_MILLIS, settings.writeTimeout().toMillis()));
            closing.socket.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the connection to syslog receiver {}: {}", settings.address(), OneLine.reason(e));
        } finally {
            closing.watchdog.disarm();
            closeQuietly(closing.raw);
        }
    }

    static int timeoutMillis(java.time.Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /** The exception's message on one line, or its type when it has none. */
    static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // closing after a failure: the failure is what gets reported
        }
    }

    /** An open connection: the TCP socket, the socket the messages go through (itself, or TLS over it). */
    private static final class Connection {
        final Socket raw;
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final WriteWatchdog watchdog;

        Connection(Socket raw, Socket socket, InputStream in, OutputStream out, WriteWatchdog watchdog) {
            this.raw = raw;
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.watchdog = watchdog;
        }

        /**
         * Whether the receiver still holds the connection open: a read that waits a millisecond at most gets
         * nothing (open) rather than end of stream or an error (closed). Receivers send nothing on a syslog
         * connection; anything they do send is read and dropped.
         */
        boolean open() {
            try {
                socket.setSoTimeout(1);
                for (int i = 0; i < 64; i++) {
                    if (in.read() < 0) {
                        return false;
                    }
                }
                return true;
            } catch (SocketTimeoutException e) {
                return true;
            } catch (IOException e) {
                return false;
            } finally {
                try {
                    if (!socket.isClosed()) {
                        socket.setSoTimeout(0);
                    }
                } catch (IOException ignored) {
                    // the next write reports a broken socket
                }
            }
        }
    }

    /** Arms the watchdog around every write and flush that reaches the socket. */
    private static final class DeadlineOutputStream extends OutputStream {
        private final OutputStream out;
        private final WriteWatchdog watchdog;

        DeadlineOutputStream(OutputStream out, WriteWatchdog watchdog) {
            this.out = out;
            this.watchdog = watchdog;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            watchdog.arm();
            try {
                out.write(bytes, offset, length);
            } finally {
                watchdog.disarm();
            }
        }

        @Override
        public void flush() throws IOException {
            watchdog.arm();
            try {
                out.flush();
            } finally {
                watchdog.disarm();
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}

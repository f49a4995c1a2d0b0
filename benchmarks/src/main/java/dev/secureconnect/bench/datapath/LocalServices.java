package dev.secureconnect.bench.datapath;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The appliance's local services during a data-path run, served by the harness on 127.0.0.1 (free ports) in place
 * of its sshd: a checksum sink (reads an 8-byte big-endian length, then that many bytes, and answers their SHA-256),
 * a source (reads a 4-byte stream number and an 8-byte size, both big-endian, and sends that {@link Payload}'s bytes:
 * the download counterpart of the sink), an echo (every byte back at once, for ping-pong) and a banner service (writes {@link #BANNER} and a line break as
 * soon as a connection is accepted, as sshd does, then waits for the client to close).
 */
final class LocalServices implements AutoCloseable {

    static final String BANNER = "SSH-2.0-sc-bench-banner";
    private static final int READ_TIMEOUT_MS = 120_000;

    private final ServerSocket sink;
    private final ServerSocket source;
    private final ServerSocket echo;
    private final ServerSocket banner;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> firstProblem = new AtomicReference<>();
    private final AtomicLong sinkBytes = new AtomicLong();

    private LocalServices(ServerSocket sink, ServerSocket source, ServerSocket echo, ServerSocket banner) {
        this.sink = sink;
        this.source = source;
        this.echo = echo;
        this.banner = banner;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "local-service-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    static LocalServices start() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        LocalServices services = new LocalServices(
                new ServerSocket(0, 64, loopback),
                new ServerSocket(0, 64, loopback),
                new ServerSocket(0, 64, loopback),
                new ServerSocket(0, 64, loopback));
        services.accept(services.sink, socket -> sink(socket, services.sinkBytes));
        services.accept(services.source, LocalServices::source);
        services.accept(services.echo, LocalServices::echo);
        services.accept(services.banner, LocalServices::banner);
        return services;
    }

    int sinkPort() {
        return sink.getLocalPort();
    }

    int sourcePort() {
        return source.getLocalPort();
    }

    int echoPort() {
        return echo.getLocalPort();
    }

    int bannerPort() {
        return banner.getLocalPort();
    }

    /** The payload bytes the checksum sink has read so far, over all its connections. */
    long sinkBytes() {
        return sinkBytes.get();
    }

    /** The first connection that ended in an error other than its client going away, or null. */
    @Nullable
    String firstProblem() {
        return firstProblem.get();
    }

    private interface Service {
        void serve(Socket socket) throws IOException;
    }

    private void accept(ServerSocket listener, Service service) {
        threads.execute(() -> {
            while (!listener.isClosed()) {
                Socket socket;
                try {
                    socket = listener.accept();
                } catch (IOException e) {
                    if (!listener.isClosed()) {
                        firstProblem.compareAndSet(null, "accept on port " + listener.getLocalPort() + ": " + e);
                    }
                    return;
                }
                open.add(socket);
                threads.execute(() -> {
                    try (socket) {
                        socket.setSoTimeout(READ_TIMEOUT_MS);
                        service.serve(socket);
                    } catch (IOException e) {
                        if (!listener.isClosed()) {
                            firstProblem.compareAndSet(null, "service on port " + listener.getLocalPort() + ": " + e);
                        }
                    } finally {
                        open.remove(socket);
                    }
                });
            }
        });
    }

    /** Length, bytes, SHA-256; then waits for the client to close. A client that closes before the length is done. */
    static void sink(Socket socket, AtomicLong received) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        long length;
        try {
            length = in.readLong();
        } catch (EOFException e) {
            return; // a client that only checked that the port answers
        }
        MessageDigest digest = Payload.sha256Digest();
        byte[] buffer = new byte[256 * 1024];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("the stream ended " + left + " bytes short of " + length);
            }
            digest.update(buffer, 0, read);
            received.addAndGet(read);
            left -= read;
        }
        OutputStream out = socket.getOutputStream();
        out.write(digest.digest());
        out.flush();
        socket.shutdownOutput();
        drain(in);
    }

    /** Stream number, size; then that payload's bytes, and waits for the client to close. */
    static void source(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        Payload payload;
        try {
            payload = new Payload(in.readInt(), in.readLong());
        } catch (EOFException e) {
            return; // a client that only checked that the port answers
        }
        OutputStream out = socket.getOutputStream();
        payload.writeBytesTo(out);
        socket.shutdownOutput();
        drain(in);
    }

    static void echo(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[8192];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
            out.flush();
        }
    }

    static void banner(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        out.write((BANNER + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        drain(socket.getInputStream());
    }

    /** Reads until the client closes; a client killed mid-way (reset) has closed too. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // whatever comes after the answer is not looked at
            }
        } catch (SocketException e) {
            // connection reset: the client (ssh -W, sc-engineer proxy) was ended after the first byte, as intended
        }
    }

    @Override
    public void close() {
        for (ServerSocket listener : List.of(sink, source, echo, banner)) {
            try {
                listener.close();
            } catch (IOException e) {
                firstProblem.compareAndSet(null, "closing port " + listener.getLocalPort() + ": " + e);
            }
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                firstProblem.compareAndSet(null, "closing a connection: " + e);
            }
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

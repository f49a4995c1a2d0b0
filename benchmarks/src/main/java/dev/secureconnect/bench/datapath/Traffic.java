package dev.secureconnect.bench.datapath;

import dev.secureconnect.bench.BenchException;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The traffic drivers, the same for SecureConnect and OpenSSH: bulk transfers into the checksum sink and out of the
 * source (each checked against its SHA-256), 1-byte ping-pong against the echo, and the time from starting a client process to the first
 * byte of the banner on its standard output. Every wait is bounded.
 */
final class Traffic {

    private static final int CONNECT_TIMEOUT_MS = 30_000;
    private static final int READ_TIMEOUT_MS = 60_000;

    private Traffic() {}

    /** A payload with the SHA-256 the sink must answer, computed before any timing starts. */
    record Expected(Payload payload, byte[] sha256) {

        static List<Expected> of(List<Payload> payloads) {
            return payloads.stream().map(p -> new Expected(p, p.sha256())).toList();
        }

        static long total(List<Expected> streams) {
            return streams.stream().mapToLong(e -> e.payload().size()).sum();
        }
    }

    /**
     * What a transfer achieved: the nanoseconds from the first connect to the last checksum (or to the time limit),
     * the payload bytes the sink read meanwhile, and whether every stream arrived and was checked.
     */
    record Moved(long nanos, long bytes, boolean complete) {

        double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }
    }

    /** One direction of a bulk transfer, as seen from the engineer's side. */
    enum Direction {
        /** Engineer → appliance: each payload goes to the checksum sink, which answers its SHA-256. */
        UPLOAD,
        /** Appliance → engineer: the source sends each payload; its SHA-256 is taken as it arrives. */
        DOWNLOAD
    }

    /** What one stream does on its connection; returns the SHA-256 of what arrived at the far end. */
    private interface StreamMove {
        byte[] move(Socket socket, Payload payload) throws IOException;
    }

    /**
     * Moves every payload to the sink at {@code to}, each on its own connection, all at once. A checksum that differs
     * fails the run. When {@code limit} passes first, the run fails too unless {@code incompleteAllowed}: then the
     * result holds what {@code arrived} (the sink's byte counter) says reached the sink, marked incomplete.
     */
    static Moved transfer(
            InetSocketAddress to,
            List<Expected> streams,
            Duration limit,
            LongSupplier arrived,
            boolean incompleteAllowed) {
        return move(to, streams, limit, arrived, incompleteAllowed, Traffic::upload);
    }

    /**
     * Fetches every payload from the source at {@code to}, each on its own connection, all at once, and checks each
     * one's SHA-256. As {@link #transfer}, except that the bytes that arrived are counted here, by the readers.
     */
    static Moved fetch(InetSocketAddress to, List<Expected> streams, Duration limit, boolean incompleteAllowed) {
        AtomicLong received = new AtomicLong();
        return move(
                to,
                streams,
                limit,
                received::get,
                incompleteAllowed,
                (socket, payload) -> download(socket, payload, received));
    }

    /** {@link #transfer} or {@link #fetch}. */
    static Moved transfer(
            Direction direction,
            InetSocketAddress to,
            List<Expected> streams,
            Duration limit,
            LongSupplier sinkArrived,
            boolean incompleteAllowed) {
        return direction == Direction.UPLOAD
                ? transfer(to, streams, limit, sinkArrived, incompleteAllowed)
                : fetch(to, streams, limit, incompleteAllowed);
    }

    private static byte[] upload(Socket socket, Payload payload) throws IOException {
        payload.writeTo(socket.getOutputStream());
        byte[] answer = socket.getInputStream().readNBytes(32);
        if (answer.length != 32) {
            throw new IOException("the sink's answer ended after " + answer.length + " of 32 bytes");
        }
        return answer;
    }

    private static byte[] download(Socket socket, Payload payload, AtomicLong received) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(payload.stream());
        out.writeLong(payload.size());
        out.flush();
        InputStream in = socket.getInputStream();
        MessageDigest digest = Payload.sha256Digest();
        byte[] buffer = new byte[256 * 1024];
        long left = payload.size();
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("the source's stream ended " + left + " bytes short of " + payload.size());
            }
            digest.update(buffer, 0, read);
            received.addAndGet(read);
            left -= read;
        }
        return digest.digest();
    }

    private static Moved move(
            InetSocketAddress to,
            List<Expected> streams,
            Duration limit,
            LongSupplier arrived,
            boolean incompleteAllowed,
            StreamMove each) {
        long before = arrived.getAsLong();
        ExecutorService threads = Executors.newFixedThreadPool(streams.size());
        Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<byte[]>> answers = new ArrayList<>();
        try {
            for (Expected stream : streams) {
                answers.add(threads.submit(() -> {
                    go.await();
                    try (Socket socket = new Socket()) {
                        sockets.add(socket);
                        socket.connect(to, CONNECT_TIMEOUT_MS);
                        socket.setSoTimeout(READ_TIMEOUT_MS);
                        return each.move(socket, stream.payload());
                    }
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            long deadline = start + limit.toNanos();
            for (int i = 0; i < streams.size(); i++) {
                byte[] answer = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                byte[] expected = streams.get(i).sha256();
                if (!Arrays.equals(answer, expected)) {
                    throw new BenchException("stream " + i + " of " + streams.size() + " with " + to
                            + ": the SHA-256 of what arrived, " + HexFormat.of().formatHex(answer)
                            + ", is not the one sent (" + HexFormat.of().formatHex(expected)
                            + "): the data did not arrive intact");
                }
            }
            return new Moved(System.nanoTime() - start, arrived.getAsLong() - before, true);
        } catch (TimeoutException e) {
            if (incompleteAllowed) {
                return new Moved(limit.toNanos(), arrived.getAsLong() - before, false);
            }
            throw new BenchException(
                    "moving " + Expected.total(streams) + " bytes in " + streams.size() + " stream(s) with " + to
                            + " took more than " + limit.toSeconds() + " s",
                    e);
        } catch (ExecutionException e) {
            throw new BenchException("a stream with " + to + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while moving data with " + to, e);
        } finally {
            for (Socket socket : sockets) {
                closeQuietly(socket);
            }
            threads.shutdownNow();
        }
    }

    /**
     * Sends one byte and waits for it to come back, {@code warmUp} times unrecorded, then {@code samples} times
     * recorded; returns each round trip in nanoseconds. Fails after {@code limit}.
     */
    static long[] pingPong(InetSocketAddress to, int warmUp, int samples, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        long[] rounds = new long[samples];
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(to, CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = -warmUp; i < samples; i++) {
                int sent = i & 0x7f;
                long start = System.nanoTime();
                out.write(sent);
                out.flush();
                int back = in.read();
                long end = System.nanoTime();
                if (back != sent) {
                    throw new BenchException("ping-pong with " + to + ": sent " + sent + ", got " + back);
                }
                if (i >= 0) {
                    rounds[i] = end - start;
                }
                if (end - deadline > 0) {
                    throw new BenchException("ping-pong with " + to + " took more than " + limit.toSeconds() + " s ("
                            + (i + warmUp + 1) + " of " + (warmUp + samples) + " round trips)");
                }
            }
            return rounds;
        } catch (IOException e) {
            throw new BenchException("ping-pong with " + to + " failed: " + e, e);
        }
    }

    /**
     * Starts {@code command} and returns the nanoseconds until the first byte of its standard output; checks that the
     * line it starts is the banner, then ends the process. Its standard error is appended to {@code errors}.
     */
    static long firstByte(List<String> command, Map<String, String> env, Path dir, Path errors, Duration limit) {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectError(Redirect.appendTo(errors.toFile()));
        builder.environment().putAll(env);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        Process process = null;
        try {
            long start = System.nanoTime();
            process = builder.start();
            InputStream out = process.getInputStream();
            Future<Integer> first = reader.submit(() -> out.read());
            int firstByte = first.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            long elapsed = System.nanoTime() - start;
            if (firstByte < 0) {
                throw new BenchException(String.join(" ", command) + " ended without output: see " + errors);
            }
            String line =
                    (char) firstByte + reader.submit(() -> readLine(out)).get(limit.toSeconds(), TimeUnit.SECONDS);
            if (!line.equals(LocalServices.BANNER)) {
                throw new BenchException(String.join(" ", command) + " printed '" + line + "', not the banner");
            }
            return elapsed;
        } catch (TimeoutException e) {
            throw new BenchException(
                    String.join(" ", command) + " printed nothing within " + limit.toSeconds() + " s: see " + errors,
                    e);
        } catch (ExecutionException e) {
            throw new BenchException(
                    "reading the output of " + String.join(" ", command) + ": " + e.getCause(), e.getCause());
        } catch (IOException e) {
            throw new BenchException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while " + command.get(0) + " ran", e);
        } finally {
            if (process != null) {
                end(process);
            }
            reader.shutdownNow();
        }
    }

    /** A transfer of nothing: the sink must answer the SHA-256 of no bytes. */
    static void checkSink(InetSocketAddress to) {
        transfer(to, Expected.of(List.of(new Payload(0, 0))), Duration.ofSeconds(60), () -> 0, false);
    }

    /** A download of nothing: the source answers and ends. */
    static void checkSource(InetSocketAddress to) {
        fetch(to, Expected.of(List.of(new Payload(0, 0))), Duration.ofSeconds(60), false);
    }

    /** A few round trips: the echo answers. */
    static void checkEcho(InetSocketAddress to) {
        pingPong(to, 0, 3, Duration.ofSeconds(60));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** SIGTERM, then SIGKILL if it has not ended within 10 s. */
    private static void end(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed by its stream's own try-with-resources, or the peer is gone: nothing left to free
        }
    }
}

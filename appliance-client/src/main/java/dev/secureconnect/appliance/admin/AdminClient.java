package dev.secureconnect.appliance.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Sends one request to the daemon of an appliance directory and reads its answer. */
public final class AdminClient {

    /** Longest answer read. */
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sc-appliance-admin-client-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private AdminClient() {}

    /**
     * @param timeout how long to wait for the answer
     * @throws DaemonNotRunningException if no daemon listens on {@code DIR/run/admin.sock}
     * @throws ApplianceException if the daemon does not answer in time or answers nonsense
     */
    public static AdminResponse send(ApplianceDirectory directory, AdminRequest request, Duration timeout) {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.adminSocket());
        if (!Files.exists(directory.adminSocket())) {
            throw new DaemonNotRunningException(directory, null);
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new ApplianceException("cannot open a Unix domain socket: " + e.getMessage(), e);
        }
        ScheduledFuture<?> deadline = DEADLINES.schedule(
                () -> {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // closing is all we can do
                    }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try (channel) {
            try {
                channel.connect(address);
            } catch (SocketException | NoSuchFileException e) {
                throw new DaemonNotRunningException(directory, e); // no socket file, or a stale one
            }
            ByteBuffer out = ByteBuffer.wrap((Json.line(request) + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (channel.read(in) >= 0) {
                in.flip();
                answer.write(in.array(), 0, in.limit());
                in.clear();
                if (answer.size() > MAX_RESPONSE_BYTES) {
                    throw new ApplianceException("the daemon's answer exceeds " + MAX_RESPONSE_BYTES + " bytes");
                }
            }
            String line = answer.toString(StandardCharsets.UTF_8).strip();
            if (line.isEmpty()) {
                throw new ApplianceException(
                        "the sc-appliance daemon for " + directory + " closed the connection without" + " answering");
            }
            return Json.COMPACT.readValue(line, AdminResponse.class);
        } catch (JsonProcessingException e) {
            throw new ApplianceException(
                    "the sc-appliance daemon for " + directory + " answered something unreadable: " + Json.problem(e),
                    e);
        } catch (IOException e) {
            if (deadline.isDone()) {
                throw new ApplianceException(
                        "the sc-appliance daemon for " + directory + " did not answer within " + timeout.toSeconds()
                                + " s",
                        e);
            }
            throw new ApplianceException(
                    "cannot talk to the sc-appliance daemon for " + directory + ": " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    /** Whether a daemon answers on the directory's admin socket. */
    public static boolean daemonRunning(ApplianceDirectory directory) {
        try {
            return send(directory, AdminRequest.of("status"), Duration.ofSeconds(5))
                    .ok();
        } catch (DaemonNotRunningException e) {
            return false;
        }
    }
}

package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.admin.AdminResponse;
import dev.secureconnect.appliance.admin.AdminServer;
import dev.secureconnect.appliance.internal.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed of the open connections and the status (server-sent events, {@code GET /api/events}): every
 * {@link #PERIOD_MS} ms, while anyone listens, one {@code data:} line with the admin API's {@code sessions} answer.
 * A listener whose sign-in ended is dropped.
 */
final class ConsoleEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleEvents.class);
    static final long PERIOD_MS = 500;
    /** The most listeners at once. */
    static final int MAX_LISTENERS = 32;

    private final AdminServer.Handler admin;
    private final SignIns signIns;
    private final Map<Channel, SignIns.Session> listeners = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    ConsoleEvents(AdminServer.Handler admin, SignIns signIns) {
        this.admin = requireNonNull(admin, "admin");
        this.signIns = requireNonNull(signIns, "signIns");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sc-appliance-console-events");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::publish, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Whether another listener may join. */
    boolean hasRoom() {
        return listeners.size() < MAX_LISTENERS;
    }

    /** Adds a listener whose response headers were sent. */
    void listen(Channel channel, SignIns.Session session) {
        listeners.put(channel, session);
        channel.closeFuture().addListener(closed -> listeners.remove(channel));
        timer.execute(this::publish);
    }

    private void publish() {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            AdminResponse sessions = admin.handle(AdminRequest.of("sessions"), "console");
            byte[] event = ("data: " + Json.line(sessions) + "\n\n").getBytes(StandardCharsets.UTF_8);
            listeners.forEach((channel, session) -> {
                if (!signIns.active(session)) {
                    channel.close();
                    return;
                }
                channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(event)));
            });
        } catch (RuntimeException e) {
            log.warn("console: cannot publish the open connections: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        listeners.keySet().forEach(Channel::close);
    }
}

package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.exec.CommandEntry;
import dev.secureconnect.appliance.exec.CommandProcess;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code POST /v1/exec} that passed every check: the catalogue's argv plus the engineer's arguments run as
 * {@link CommandProcess#builder} starts every command — no shell, standard input from {@code /dev/null}, standard error merged into standard
 * output, working folder {@code /}, an environment of only {@code PATH} and {@code LANG=C}. The output is sent as
 * DATA with back-pressure ({@link StreamWriter}) by a worker thread, up to the command's cap (then the process is
 * killed and the output marked truncated) and within its timeout (else killed and marked timed out); trailers
 * {@code sc-exit-status} (+ {@code sc-output-truncated}, {@code sc-timed-out}) end the response. Closing the stream
 * (the engineer left, the kill switch, a revoked token) kills the process.
 */
final class CommandRun {

    private static final Logger log = LoggerFactory.getLogger(CommandRun.class);
    /** How long a killed process (and its children) may take to go. */
    private static final long EXIT_WAIT_SECONDS = 5;

    private final Sessions sessions;
    private final Http2StreamChannel stream;
    private final SessionInfo info;
    private final CommandEntry command;
    private final List<String> args;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final AtomicBoolean killed = new AtomicBoolean();
    private volatile @Nullable Process process;

    private CommandRun(
            Sessions sessions, Http2StreamChannel stream, SessionInfo info, CommandEntry command, List<String> args) {
        this.sessions = sessions;
        this.stream = stream;
        this.info = info;
        this.command = command;
        this.args = List.copyOf(args);
    }

    /** Starts the command on a worker thread; called on the stream's event loop once every check passed. */
    static void start(
            Sessions sessions,
            Http2StreamChannel stream,
            SessionInfo info,
            CommandEntry command,
            List<String> args,
            Executor workers) {
        CommandRun run = new CommandRun(sessions, stream, info, command, args);
        workers.execute(run::run);
    }

    private void run() {
        EventLoop loop = stream.eventLoop();
        // nothing runs before its stream.opened is durable
        CompletableFuture<Boolean> audited = new CompletableFuture<>();
        loop.execute(() -> {
            if (!stream.isActive()) {
                audited.complete(false);
                return;
            }
            sessions.openAudited(
                    stream,
                    info,
                    "command " + command.name(),
                    () -> audited.complete(true),
                    () -> audited.complete(false));
        });
        if (!Boolean.TRUE.equals(await(audited, false))) {
            return;
        }
        List<String> argv = new ArrayList<>(command.argv());
        argv.addAll(args);
        try {
            process = CommandProcess.builder(argv).start();
        } catch (IOException | RuntimeException e) {
            String reason = "command " + command.name() + " cannot be started: " + OneLine.of(e.getMessage());
            loop.execute(() -> {
                sessions.audit(refused(reason).build());
                sessions.audit(info.event(EventType.STREAM_CLOSED)
                        .detail("status", 502)
                        .failed(reason)
                        .build());
                StreamRequestHandler.respond(stream, 502, reason);
            });
            return;
        }
        CompletableFuture<Sessions.Session> started = new CompletableFuture<>();
        loop.execute(() -> started.complete(answer()));
        Sessions.Session session = await(started, null);
        if (session == null) {
            kill();
            return;
        }
        ScheduledFuture<?> timer = loop.schedule(
                () -> {
                    timedOut.set(true);
                    kill();
                },
                command.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        long sent = 0;
        boolean truncated = false;
        String problem = null;
        StreamWriter writer = requireNonNull(session.writer, "installed in answer()");
        try (InputStream output = process.getInputStream()) {
            byte[] buffer = new byte[StreamWriter.CHUNK];
            while (true) {
                int n = output.read(buffer);
                if (n < 0) {
                    break;
                }
                long allowed = command.maxOutputBytes() - sent;
                int send = (int) Math.min(n, allowed);
                if (send > 0 && !writer.write(Unpooled.copiedBuffer(buffer, 0, send))) {
                    problem = "the stream closed";
                    break;
                }
                sent += send;
                if (send < n) {
                    truncated = true;
                    kill();
                    break;
                }
            }
        } catch (IOException e) {
            problem = killed.get() ? null : "reading its output failed: " + OneLine.of(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "the appliance is stopping";
        } finally {
            timer.cancel(false);
        }
        if (problem != null) {
            kill();
        }
        int exitStatus = awaitExit();
        finish(session, writer, sent, exitStatus, truncated, problem);
    }

    /** On the loop, once audited: registers the session and answers 200; null when the stream is already gone. */
    private Sessions.@Nullable Session answer() {
        if (!stream.isActive()) {
            sessions.closedBeforeOpened(info);
            return null;
        }
        Sessions.Session session = sessions.track(stream, info, this::kill);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        session.writer = StreamWriter.install(stream);
        log.info(
                "appliance: {} running {} with {} argument(s)",
                info.describe(),
                command.argv().get(0),
                args.size());
        return session;
    }

    private void finish(
            Sessions.Session session,
            StreamWriter writer,
            long sent,
            int exitStatus,
            boolean truncated,
            @Nullable String problem) {
        Http2Headers trailers =
                new DefaultHttp2Headers().set(LinkProtocol.TRAILER_EXIT_STATUS, Integer.toString(exitStatus));
        if (truncated) {
            trailers.set(LinkProtocol.TRAILER_OUTPUT_TRUNCATED, "true");
        }
        if (timedOut.get()) {
            trailers.set(LinkProtocol.TRAILER_TIMED_OUT, "true");
        }
        stream.eventLoop().execute(() -> {
            boolean delivered = problem == null && session.closeReason == null && writer.isOpen();
            String outcome = problem != null ? problem : session.closeReason;
            ApplianceAuditEvent.Builder run = info.event(EventType.COMMAND_RUN)
                    .detail("name", command.name())
                    .detail("args", args)
                    .detail("exitStatus", exitStatus)
                    .detail("bytes", sent)
                    .detail("truncated", truncated)
                    .detail("timedOut", timedOut.get());
            if (timedOut.get()) {
                run.reason("killed after its timeout of " + Durations.format(command.timeout()));
            } else if (truncated) {
                run.reason("killed: its output exceeded " + command.maxOutputBytes() + " bytes");
            }
            sessions.audit((outcome == null ? run : run.failed("killed: " + outcome)).build());
            sessions.finished(
                    session, 0, sent, delivered ? "exit status " + exitStatus : "killed: " + outcome, delivered);
            if (delivered) {
                writer.end(trailers); // after finished: the stream closing now is no longer a reason to kill
            }
        });
    }

    /** The worker waits for the loop's answer; {@code otherwise} when interrupted (the appliance is stopping). */
    private static <T> @Nullable T await(CompletableFuture<T> answer, @Nullable T otherwise) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise;
        } catch (ExecutionException e) {
            return otherwise;
        }
    }

    private int awaitExit() {
        Process running = requireNonNull(process, "started before it is awaited");
        try {
            if (!running.waitFor(
                    timedOut.get() || killed.get()
                            ? EXIT_WAIT_SECONDS
                            : command.timeout().toSeconds() + 1,
                    TimeUnit.SECONDS)) {
                kill();
                running.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            return running.isAlive() ? -1 : running.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return -1;
        }
    }

    /** Kills the process and everything it started (a child holding the output pipe would keep it open). */
    private void kill() {
        Process running = requireNonNull(process, "started before it is awaited");
        if (running == null || !running.isAlive() && killed.get()) {
            return;
        }
        killed.set(true);
        CommandProcess.kill(running);
    }

    private ApplianceAuditEvent.Builder refused(String reason) {
        return info.event(EventType.COMMAND_REFUSED)
                .detail("name", command.name())
                .detail("args", args)
                .failed(reason);
    }
}

package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One {@code GET /v1/files} that passed every check, on a worker thread: the file is opened (the last component not
 * followed if it became a link), its size and SHA-256 computed, then answered 200 with {@code sc-file-size} and
 * {@code sc-file-sha256} and sent as DATA with back-pressure, ending with END_STREAM. A file that shrinks while it is
 * sent resets the stream; the engineer's SHA-256 check catches any other change.
 */
final class FileGet {

    private final Sessions sessions;
    private final Http2StreamChannel stream;
    private final SessionInfo info;
    private final Path file;

    private FileGet(Sessions sessions, Http2StreamChannel stream, SessionInfo info, Path file) {
        this.sessions = sessions;
        this.stream = stream;
        this.info = info;
        this.file = file;
    }

    static void start(Sessions sessions, Http2StreamChannel stream, SessionInfo info, Path file, Executor workers) {
        workers.execute(new FileGet(sessions, stream, info, file)::run);
    }

    private void run() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = 0;
            MessageDigest sha256 = sha256();
            ByteBuffer buffer = ByteBuffer.allocate(StreamWriter.CHUNK * 2);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                size += buffer.remaining();
                sha256.update(buffer);
                buffer.clear();
            }
            String hash = HexFormat.of().formatHex(sha256.digest());
            long length = size;
            CompletableFuture<Sessions.Session> started = new CompletableFuture<>();
            stream.eventLoop().execute(() -> answer(length, hash, started));
            Sessions.Session session = started.get();
            if (session == null) {
                return;
            }
            long sent = 0;
            String problem = null;
            try {
                while (sent < length) {
                    ByteBuf chunk = Unpooled.buffer((int) Math.min(StreamWriter.CHUNK, length - sent));
                    int n;
                    try {
                        n = chunk.writeBytes(channel, sent, chunk.writableBytes());
                    } catch (IOException e) {
                        chunk.release();
                        throw e;
                    }
                    if (n <= 0) {
                        chunk.release();
                        problem = "the file shrank while it was sent";
                        break;
                    }
                    if (!requireNonNull(session.writer, "installed on answer").write(chunk)) {
                        problem = "the stream closed";
                        break;
                    }
                    sent += n;
                }
            } catch (IOException e) {
                problem = "reading the file failed: " + OneLine.of(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "the appliance is stopping";
            }
            finish(session, sent, length, hash, problem);
        } catch (IOException e) {
            refuseLater("cannot read " + info.target() + ": " + OneLine.of(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.close();
        } catch (ExecutionException e) {
            stream.close();
        }
    }

    /** On the loop: audits the start, then registers the session and answers 200; null when refused or gone. */
    private void answer(long size, String hash, CompletableFuture<Sessions.@Nullable Session> started) {
        if (!stream.isActive()) {
            started.complete(null);
            return;
        }
        sessions.openAudited(
                stream, info, "file " + file, () -> started.complete(opened(size, hash)), () -> started.complete(null));
    }

    private Sessions.@Nullable Session opened(long size, String hash) {
        if (!stream.isActive()) {
            sessions.closedBeforeOpened(info);
            return null;
        }
        Sessions.Session session = sessions.track(stream, info, null);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                        .status("200")
                        .set(LinkProtocol.HEADER_FILE_SIZE, Long.toString(size))
                        .set(LinkProtocol.HEADER_FILE_SHA256, hash),
                false));
        session.writer = StreamWriter.install(stream);
        return session;
    }

    private void finish(Sessions.Session session, long sent, long size, String hash, @Nullable String problem) {
        stream.eventLoop().execute(() -> {
            String why = problem != null ? problem : session.closeReason;
            if (why == null
                    && requireNonNull(session.writer, "installed on answer").isOpen()) {
                sessions.audit(info.event(EventType.FILE_GET)
                        .detail("path", file.toString())
                        .detail("size", size)
                        .detail("sha256", hash)
                        .build());
                sessions.finished(session, 0, sent, "file sent", true); // before the end: closing is not a cut-off then
                requireNonNull(session.writer, "installed on answer").end(null);
            } else {
                why = why == null ? "the stream closed" : why;
                stream.close();
                sessions.audit(info.event(EventType.FILE_GET)
                        .detail("path", file.toString())
                        .detail("size", size)
                        .detail("sha256", hash)
                        .detail("sent", sent)
                        .failed("cut off: " + why)
                        .build());
                sessions.finished(session, 0, sent, "cut off: " + why, false);
            }
        });
    }

    private void refuseLater(String reason) {
        stream.eventLoop().execute(() -> {
            sessions.audit(info.event(EventType.FILE_REFUSED)
                    .detail("path", info.target())
                    .failed(reason)
                    .build());
            sessions.refuse(stream, info, 403, reason, ApplianceAuditEvent.FAILURE);
        });
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

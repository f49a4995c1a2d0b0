package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One {@code PUT /v1/files} that passed every check. A temporary file is created in the target's folder (mode 0600),
 * the engineer's DATA is written to it and hashed by a worker thread while it arrives — the stream reads on only
 * while less than {@value #HIGH_WATER} bytes wait for the disk — and on END_STREAM it is forced to disk and moved
 * over the target atomically (an existing file's mode is kept, a new one gets 0644); trailers {@code sc-file-size}
 * and {@code sc-file-sha256} then say what was stored. Any failure, a reset or a close deletes the temporary file —
 * nothing half-written is ever left — and, when the stream is still open, trailers with {@code sc-reason} say why.
 */
final class FilePut extends ChannelInboundHandlerAdapter {

    private static final int HIGH_WATER = 1 << 20;
    private static final Object END = new Object();
    private static final Object ABORT = new Object();
    private static final Set<PosixFilePermission> NEW_FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final Sessions sessions;
    private final Http2StreamChannel stream;
    private final SessionInfo info;
    private final Path target;
    private final Path temporary;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong waiting = new AtomicLong();
    private Sessions.@Nullable Session session;
    private boolean paused; // loop only
    private boolean ended; // loop only: END or ABORT queued
    private volatile @Nullable String abortReason;

    private FilePut(Sessions sessions, Http2StreamChannel stream, SessionInfo info, Path target, Path temporary) {
        this.sessions = sessions;
        this.stream = stream;
        this.info = info;
        this.target = target;
        this.temporary = temporary;
    }

    /** Creates the temporary file, then (on the loop) answers 200 and starts storing. */
    static void start(Sessions sessions, Http2StreamChannel stream, SessionInfo info, Path target, Executor workers) {
        workers.execute(() -> {
            Path temporary;
            try {
                temporary = Files.createTempFile(
                        target.getParent(),
                        "." + target.getFileName() + ".",
                        ".sc-put",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (IOException | UnsupportedOperationException e) {
                String reason = "cannot write in " + target.getParent() + ": " + OneLine.of(describe(e));
                stream.eventLoop().execute(() -> {
                    sessions.audit(info.event(EventType.FILE_REFUSED)
                            .detail("path", target.toString())
                            .refused(reason)
                            .build());
                    sessions.refuse(stream, info, 403, reason, ApplianceAuditEvent.REFUSED);
                });
                return;
            }
            FilePut put = new FilePut(sessions, stream, info, target, temporary);
            stream.eventLoop().execute(() -> {
                if (!stream.isActive()) {
                    workers.execute(put::deleteTemporary);
                    return;
                }
                sessions.openAudited(
                        stream,
                        info,
                        "file " + target,
                        () -> {
                            if (!put.begin()) {
                                sessions.closedBeforeOpened(info);
                                workers.execute(put::deleteTemporary);
                                return;
                            }
                            workers.execute(put::store);
                        },
                        () -> workers.execute(put::deleteTemporary));
            });
        });
    }

    /** On the loop, once audited: registers, answers 200 and starts reading; false when the stream is gone. */
    private boolean begin() {
        if (!stream.isActive()) {
            return false;
        }
        session = sessions.track(stream, info, () -> abort("the session was closed"));
        stream.pipeline().addLast(this);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        stream.read();
        return true;
    }

    // ---- the loop: frames in ----------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ended) {
            ReferenceCountUtil.release(msg); // after a failure: what the engineer still sends is dropped
            return;
        }
        if (msg instanceof Http2DataFrame data) {
            ByteBuf content = data.content().retain();
            data.release();
            waiting.addAndGet(content.readableBytes());
            queue.add(content);
            if (data.isEndStream()) {
                ended = true;
                queue.add(END);
            }
        } else if (msg instanceof Http2HeadersFrame headers && headers.isEndStream()) {
            ended = true;
            queue.add(END);
        } else if (msg instanceof Http2ResetFrame) {
            abort("the stream was reset");
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (ended || waiting.get() < HIGH_WATER) {
            ctx.read();
        } else {
            paused = true;
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abort("the stream closed before the file was complete");
        ctx.fireChannelInactive();
    }

    private void abort(String reason) {
        if (abortReason == null) {
            abortReason = reason;
        }
        queue.add(ABORT);
    }

    private void resume() {
        if (paused && waiting.get() < HIGH_WATER / 2) {
            paused = false;
            stream.read();
        }
    }

    // ---- the worker: bytes to disk ----------------------------------------------------------------------------

    private void store() {
        MessageDigest sha256 = FileGet.sha256();
        long size = 0;
        String problem = null;
        boolean complete = false;
        try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            while (true) {
                Object next = queue.poll(100, TimeUnit.MILLISECONDS);
                if (next == null) {
                    continue;
                }
                if (next == ABORT) {
                    problem = abortReason;
                    break;
                }
                if (next == END) {
                    file.force(true);
                    complete = true;
                    break;
                }
                ByteBuf bytes = (ByteBuf) next;
                try {
                    int length = bytes.readableBytes();
                    sha256.update(bytes.nioBuffer());
                    while (bytes.isReadable()) {
                        bytes.readBytes(file, bytes.readableBytes());
                    }
                    size += length;
                    waiting.addAndGet(-length);
                } finally {
                    bytes.release();
                }
                stream.eventLoop().execute(this::resume);
            }
        } catch (IOException e) {
            problem = "writing " + target + " failed: " + OneLine.of(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "the appliance is stopping";
        }
        if (complete) {
            try {
                keepMode();
                DurableFiles.move(temporary, target);
            } catch (IOException e) {
                complete = false;
                problem = "storing " + target + " failed: " + OneLine.of(describe(e));
            }
        }
        if (!complete) {
            deleteTemporary();
            drain();
        }
        long stored = size;
        String hash = HexFormat.of().formatHex(sha256.digest());
        String why = problem;
        boolean done = complete;
        stream.eventLoop().execute(() -> finish(done, stored, hash, why));
    }

    private void finish(boolean complete, long size, String hash, @Nullable String problem) {
        ended = true;
        drain();
        if (complete) {
            sessions.audit(info.event(EventType.FILE_PUT)
                    .detail("path", target.toString())
                    .detail("size", size)
                    .detail("sha256", hash)
                    .build());
            sessions.finished(
                    requireNonNull(session, "tracked before the body ends"),
                    size,
                    0,
                    "file stored",
                    true); // before the end: closing is not a cut-off then
            Http2Headers trailers = new DefaultHttp2Headers()
                    .set(LinkProtocol.HEADER_FILE_SIZE, Long.toString(size))
                    .set(LinkProtocol.HEADER_FILE_SHA256, hash);
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
            return;
        }
        String reason = "nothing was stored: " + problem;
        sessions.audit(info.event(EventType.FILE_REFUSED)
                .detail("path", target.toString())
                .detail("received", size)
                .failed(reason)
                .build());
        sessions.finished(requireNonNull(session, "tracked before the body ends"), size, 0, reason, false);
        if (stream.isActive()) {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().set(LinkProtocol.HEADER_REASON, reason), true));
            stream.read(); // drop the rest of what the engineer sends
        }
    }

    /** A replaced file keeps its mode; a new file gets 0644. */
    private void keepMode() throws IOException {
        Set<PosixFilePermission> mode = NEW_FILE_MODE;
        try {
            mode = Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            // a new file
        }
        Files.setPosixFilePermissions(temporary, mode);
    }

    private void deleteTemporary() {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // reported by the failure that got here; nothing else can be done
        }
    }

    private void drain() {
        Object left;
        while ((left = queue.poll()) != null) {
            ReferenceCountUtil.release(left == END || left == ABORT ? null : left);
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

package dev.secureconnect.engineer.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.client.StreamPump;
import dev.secureconnect.engineer.client.StreamSink;
import dev.secureconnect.engineer.internal.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Relays one opened session stream with the agent's client, in frames ({@link AgentProtocol}). The client's DATA go
 * out with back-pressure ({@link StreamPump}) from the connection's own thread; what the server sends is queued by
 * the stream's event loop (which never blocks) and written by a thread of its own, and the stream stops reading
 * while the queue is long, so a slow client slows the stream down through HTTP/2 flow control. A client that goes
 * away without its end frame resets the stream.
 */
final class StreamRelay {

    /** Stop reading the stream when this many chunks wait for the client; read again below {@link #LOW}. */
    static final int HIGH = 64;

    static final int LOW = 16;

    private static final Object END = new Object();

    private final Http2StreamChannel stream;
    private final OutputStream out;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile byte[] ending = new byte[0];
    private volatile byte endKind = AgentProtocol.FAILED;
    private volatile boolean paused;

    private StreamRelay(Http2StreamChannel stream, OutputStream out) {
        this.stream = stream;
        this.out = out;
    }

    /** Relays until both directions ended; returns when the client has everything. */
    static void run(Http2StreamChannel stream, InputStream in, OutputStream out) {
        StreamRelay relay = new StreamRelay(stream, out);
        StreamPump pump = StreamPump.on(stream);
        Future<Http2Headers> ended = StreamSink.attach(stream, relay::offer);
        ended.addListener(done -> {
            if (done.isSuccess()) {
                relay.finish(AgentProtocol.TRAILERS, Json.bytes(headers(ended.getNow())));
            } else {
                relay.finish(
                        AgentProtocol.FAILED,
                        OneLine.of(String.valueOf(done.cause().getMessage())).getBytes(StandardCharsets.UTF_8));
            }
        });
        Thread writer = new Thread(relay::write, "sc-engineer-agent-writer");
        writer.setDaemon(true);
        writer.start();
        try {
            pump.pump(new ClientData(in), null);
        } catch (IOException | EngineerException e) {
            stream.close(); // the client went away, or the stream closed first: its end frame says how
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.close();
        }
    }

    /** On the stream's event loop: queues a copy, and stops reading while the client is behind. */
    private void offer(ByteBuf bytes) {
        queue.add(ByteBufUtil.getBytes(bytes));
        if (queue.size() >= HIGH && !paused) {
            paused = true;
            stream.config().setAutoRead(false);
        }
    }

    private void finish(byte kind, byte[] payload) {
        endKind = kind;
        ending = payload;
        queue.add(END);
    }

    /** The writer thread: DATA frames, then the end frame. */
    private void write() {
        boolean broken = false;
        while (true) {
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stream.close();
                return;
            }
            try {
                if (next == END) {
                    if (!broken) {
                        AgentProtocol.writeFrame(out, endKind, ending, 0, ending.length);
                    }
                    return;
                }
                byte[] bytes = (byte[]) next;
                if (!broken) {
                    AgentProtocol.writeFrame(out, AgentProtocol.DATA, bytes, 0, bytes.length);
                }
            } catch (IOException e) {
                broken = true; // the client went away: end the stream, then wait for its end
                stream.close();
            }
            if (paused && queue.size() <= LOW) {
                paused = false;
                stream.eventLoop().execute(() -> stream.config().setAutoRead(true));
            }
        }
    }

    /** Headers as a JSON object (the first value of each name). */
    static ObjectNode headers(Http2Headers headers) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            String name = header.getKey().toString();
            if (!json.has(name)) {
                json.put(name, header.getValue().toString());
            }
        }
        return json;
    }

    /** The client's DATA frames as a stream; its end frame is the end, a close without it a failure. */
    private static final class ClientData extends InputStream {
        private final InputStream in;
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        ClientData(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            while (position == current.length) {
                if (ended) {
                    return -1;
                }
                AgentProtocol.Frame frame;
                try {
                    frame = AgentProtocol.readFrame(in);
                } catch (EOFException e) {
                    throw new EOFException("the client went away before the end of its data");
                }
                if (frame.kind() == AgentProtocol.END) {
                    ended = true;
                } else if (frame.kind() == AgentProtocol.DATA) {
                    current = frame.payload();
                    position = 0;
                } else {
                    throw new IOException("unexpected frame '" + (char) frame.kind() + "' from the client");
                }
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, bytes, offset, n);
            position += n;
            return n;
        }
    }
}

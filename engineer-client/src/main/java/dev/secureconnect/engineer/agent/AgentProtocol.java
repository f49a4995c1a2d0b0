package dev.secureconnect.engineer.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What goes over the agent's socket. One connection carries one request:
 *
 * <ol>
 *   <li>the client sends one JSON object on one line ({@code {"op": …}}, see {@link Op});</li>
 *   <li>the agent answers one JSON object on one line: {@code {"ok": true, …}}, or {@code {"ok": false, "error":
 *       "one line", "code": "…", "status": N}} ({@code code} {@value #NO_TOKEN} when it holds no token for the
 *       appliance, {@code status} the server's HTTP status when the server refused);</li>
 *   <li>for the session streams ({@code connect}, {@code exec}, {@code get}, {@code put}) frames follow both ways
 *       once the answer said ok: one byte kind, a 4-byte big-endian length, then that many bytes.
 *       {@value #DATA} ('D') carries the stream's bytes; the client ends its direction with {@value #END} ('E');
 *       the agent ends its own with {@value #TRAILERS} ('T', the server's trailers as a JSON object) or
 *       {@value #FAILED} ('X', why the stream failed, one line). A connection that closes without its end frame
 *       failed: the agent resets the server's stream, the client reports the agent went away.</li>
 * </ol>
 *
 * No cryptography of its own: the socket is owner-only and the agent checks the peer's user.
 */
public final class AgentProtocol {

    /** Frame kinds. */
    public static final byte DATA = 'D';

    public static final byte END = 'E';
    public static final byte TRAILERS = 'T';
    public static final byte FAILED = 'X';

    /** The answer's code when the agent holds no token for the appliance: the client may add it and ask again. */
    public static final String NO_TOKEN = "no-token";

    /** The largest request or answer line, and the largest frame. */
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    static final int MAX_FRAME_BYTES = 1024 * 1024;

    /** The requests ({@code op}). */
    public enum Op {
        STATUS,
        STOP,
        ADD,
        API,
        CONNECT,
        EXEC,
        GET,
        PUT,
        /**
         * {@code {"op": "forward", "appliance": SERIAL, "port": REMOTEPORT, "local": LOCALPORT}}: the agent listens on
         * 127.0.0.1:LOCALPORT (0: any free port) itself and relays each connection as a CONNECT stream to REMOTEPORT;
         * it answers {@code {"ok": true, "port": P}} once listening, then a line {@code {"problem": "…"}} for each
         * connection it could not relay, and stops listening when the command closes the connection (or the agent
         * stops, or no longer holds the token: it says so in a last problem line and closes the connection).
         */
        FORWARD;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Optional<Op> parse(String text) {
            for (Op op : values()) {
                if (op.wire().equals(text)) {
                    return Optional.of(op);
                }
            }
            return Optional.empty();
        }

        boolean isStream() {
            return this == CONNECT || this == EXEC || this == GET || this == PUT;
        }
    }

    private AgentProtocol() {}

    /** A new request. */
    public static ObjectNode request(Op op) {
        return Json.MAPPER.createObjectNode().put("op", op.wire());
    }

    static ObjectNode ok() {
        return Json.MAPPER.createObjectNode().put("ok", true);
    }

    static ObjectNode refusal(@Nullable String error, String code, int status) {
        return Json.MAPPER
                .createObjectNode()
                .put("ok", false)
                .put("error", error)
                .put("code", code)
                .put("status", status);
    }

    /** Writes {@code value} as one line. */
    static void writeLine(OutputStream out, JsonNode value) throws IOException {
        byte[] bytes = Json.bytes(value);
        byte[] line = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, line, 0, bytes.length);
        line[bytes.length] = '\n';
        out.write(line);
        out.flush();
    }

    /**
     * Reads one line (byte by byte: nothing after it is consumed) and parses it.
     *
     * @throws EOFException if the connection closed first
     * @throws IOException if the line is too long or not a JSON object
     */
    static JsonNode readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("the connection closed before a whole line arrived");
            }
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new IOException("a line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        JsonNode node = Json.MAPPER.readTree(line.toByteArray());
        if (node == null || !node.isObject()) {
            throw new IOException("a line that is not a JSON object");
        }
        return node;
    }

    /** A frame as read. */
    public record Frame(byte kind, byte[] payload) {}

    static void writeFrame(OutputStream out, byte kind, byte[] bytes, int offset, int length) throws IOException {
        byte[] header = {kind, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
        out.write(header);
        out.write(bytes, offset, length);
        out.flush();
    }

    /**
     * Reads one frame.
     *
     * @throws EOFException if the connection closed, even between frames
     */
    static Frame readFrame(InputStream in) throws IOException {
        byte[] header = in.readNBytes(5);
        if (header.length < 5) {
            throw new EOFException("the connection closed");
        }
        int length = ((header[1] & 0xff) << 24)
                | ((header[2] & 0xff) << 16)
                | ((header[3] & 0xff) << 8)
                | (header[4] & 0xff);
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new IOException("a frame of " + length + " bytes (at most " + MAX_FRAME_BYTES + ")");
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException("the connection closed inside a frame");
        }
        return new Frame(header[0], payload);
    }

    /**
     * The blocking socket as streams. Not {@code Channels.newInputStream}: its streams share the channel's blocking
     * lock, so a read waiting for bytes would hold up a write from another thread.
     */
    static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                int n;
                do {
                    n = channel.read(ByteBuffer.wrap(bytes, offset, length));
                } while (n == 0);
                return n;
            }
        };
    }

    static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }

    /** The {@code error} of a refusal, or a generic line. */
    public static EngineerException failure(JsonNode answer) {
        return new EngineerException(answer.path("error").asText("the agent refused the request"));
    }
}

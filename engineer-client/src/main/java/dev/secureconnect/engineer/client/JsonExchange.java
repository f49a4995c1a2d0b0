package dev.secureconnect.engineer.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.internal.Json;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Collects the answer to one JSON API request on its stream: status, {@code sc-reason} and the body, bounded. */
final class JsonExchange extends ChannelInboundHandlerAdapter {

    /** A whole answer. */
    record Answer(int status, String headerReason, byte[] body) {

        /** The JSON of a 200; any other status throws the server's error. */
        JsonNode json(String what) {
            JsonNode node = parse();
            if (status == 200) {
                if (node == null) {
                    throw new EngineerException("the server's answer to " + what + " is not JSON");
                }
                return node;
            }
            String message =
                    node != null && node.hasNonNull("error") ? node.get("error").asText() : headerReason;
            String reason = node != null && node.hasNonNull("reason")
                    ? node.get("reason").asText()
                    : "";
            if (message == null || message.isBlank()) {
                message = "the server answered " + what + " with status " + status;
            }
            throw new ApiException(status, reason, OneLine.of(message));
        }

        private @Nullable JsonNode parse() {
            if (body.length == 0) {
                return null;
            }
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }

    private final Promise<Answer> answer;
    private final int maxBytes;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status;
    private String reason = "";

    JsonExchange(Promise<Answer> answer, int maxBytes) {
        this.answer = answer;
        this.maxBytes = maxBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame headers) {
                if (status == 0 && headers.headers().status() != null) {
                    status = parseStatus(headers.headers().status());
                    CharSequence why = headers.headers().get(LinkProtocol.HEADER_REASON);
                    reason = why == null ? "" : why.toString();
                }
                end = headers.isEndStream();
            } else if (msg instanceof Http2DataFrame data) {
                if (body.size() + data.content().readableBytes() > maxBytes) {
                    fail(ctx, "the server's answer exceeds " + maxBytes + " bytes");
                    return;
                }
                body.writeBytes(ByteBufUtil.getBytes(data.content()));
                end = data.isEndStream();
            } else if (msg instanceof Http2ResetFrame reset) {
                fail(ctx, "the server reset the request (" + reset.errorCode() + ")");
                return;
            }
            if (end) {
                answer.trySuccess(new Answer(status, reason, body.toByteArray()));
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        answer.tryFailure(new EngineerException("the connection to the server closed before it answered"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, "the request failed: " + OneLine.of(String.valueOf(cause.getMessage())));
    }

    private void fail(ChannelHandlerContext ctx, String message) {
        answer.tryFailure(new EngineerException(message));
        ctx.close();
    }

    private static int parseStatus(CharSequence text) {
        try {
            return Integer.parseInt(text.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package dev.secureconnect.server.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.tunnel.enrolment.EnrolmentRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The enrolment connection's handler on an {@link EmbeddedChannel}: one request, its answer, then the close. */
class EnrolmentHandlerTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 40_000);

    final List<byte[]> bodies = new ArrayList<>();
    final List<InetAddress> sources = new ArrayList<>();

    @Test
    void postIsAnsweredByTheEndpointThenTheConnectionCloses() {
        EmbeddedChannel channel = channel((body, source) -> {
            bodies.add(body);
            sources.add(source);
            return new EnrolmentEndpoint.Answer(HttpResponseStatus.OK, "{\"ok\":1}".getBytes(StandardCharsets.UTF_8));
        });

        channel.writeInbound(post(EnrolmentRequest.PATH, "{\"code\":\"c\"}"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"ok\":1}");
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        } finally {
            response.release();
        }
        assertThat(bodies).singleElement().satisfies(body -> assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"code\":\"c\"}"));
        assertThat(sources).containsExactly(PEER.getAddress());
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void otherPathsAndMethodsAreRefusedOnOneLineWithoutTheEndpoint() {
        EmbeddedChannel wrongPath = channel(this::unexpected);
        wrongPath.writeInbound(post("/v1/other", "{}"));
        assertRefused(wrongPath, HttpResponseStatus.NOT_FOUND, "POST /v1/enrol is all it answers");

        EmbeddedChannel wrongMethod = channel(this::unexpected);
        wrongMethod.writeInbound(
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, EnrolmentRequest.PATH));
        assertRefused(wrongMethod, HttpResponseStatus.METHOD_NOT_ALLOWED, "enrolment is POST /v1/enrol");
        assertThat(bodies).isEmpty();
    }

    @Test
    void aFailingEndpointIsAnswered503() {
        EmbeddedChannel channel = channel((body, source) -> {
            throw new IllegalStateException("database\ngone");
        });
        channel.writeInbound(post(EnrolmentRequest.PATH, "{}"));
        assertRefused(channel, HttpResponseStatus.SERVICE_UNAVAILABLE, "the server cannot enrol now");
    }

    @Test
    void anOversizedBodyIsRefused413BeforeTheEndpoint() {
        EmbeddedChannel channel = new PeerChannel();
        channel.pipeline().addLast(new HttpObjectAggregator(EnrolmentRequest.MAX_BODY_BYTES));
        channel.pipeline().addLast(new EnrolmentHandler(this::unexpected, Runnable::run));
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, EnrolmentRequest.PATH);
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, EnrolmentRequest.MAX_BODY_BYTES + 1);
        channel.writeInbound(head);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        } finally {
            response.release();
        }
        assertThat(bodies).isEmpty();
        channel.finishAndReleaseAll();
    }

    private EnrolmentEndpoint.Answer unexpected(byte[] body, InetAddress source) {
        bodies.add(body);
        throw new AssertionError("the endpoint was called");
    }

    private static void assertRefused(EmbeddedChannel channel, HttpResponseStatus status, String message) {
        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(status);
            String body = response.content().toString(StandardCharsets.UTF_8);
            assertThat(body).contains(message).doesNotContain("\\n");
        } finally {
            response.release();
        }
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    private static DefaultFullHttpRequest post(String path, String body) {
        return new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    /** The handler on a channel whose peer is {@link #PEER}, its blocking work run at once. */
    private static EmbeddedChannel channel(BiFunction<byte[], InetAddress, EnrolmentEndpoint.Answer> endpoint) {
        EmbeddedChannel channel = new PeerChannel();
        channel.pipeline().addLast(new EnrolmentHandler(endpoint, Runnable::run));
        return channel;
    }

    private static final class PeerChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return PEER;
        }
    }
}

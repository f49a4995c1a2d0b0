package dev.secureconnect.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics connection's handler on an {@link EmbeddedChannel}: {@code GET /metrics} is scraped on the scraping
 * executor (not the event loop) in the format the {@code Accept} header asks for, other paths and methods are
 * refused on one line, and every answer closes the connection.
 */
class MetricsHandlerTest {

    private final ServerMetrics metrics = new ServerMetrics();
    private final List<Runnable> scrapes = new ArrayList<>();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void getMetricsIsScrapedOnTheScrapingExecutorInTheTextFormat() {
        Counter.builder("secureconnect.test.things")
                .register(metrics.registry())
                .increment(3);
        EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics::scrape, scrapes::add));

        channel.writeInbound(request(HttpMethod.GET, "/metrics", "text/plain"));
        assertThat((Object) channel.readOutbound())
                .as("nothing answered on the event loop")
                .isNull();
        assertThat(scrapes).hasSize(1);
        scrapes.get(0).run();

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo(ServerMetrics.TEXT);
            assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .contains("secureconnect_test_things_total 3.0")
                    .contains("jvm_threads_live_threads ");
        } finally {
            response.release();
        }
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void openMetricsWhenTheScraperAcceptsIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics::scrape, Runnable::run));

        channel.writeInbound(request(
                HttpMethod.GET,
                "/metrics?x=1",
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")); // Prometheus's own Accept

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo(ServerMetrics.OPEN_METRICS);
            assertThat(response.content().toString(StandardCharsets.UTF_8)).endsWith("# EOF\n");
        } finally {
            response.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void otherPathsAndMethodsAreRefusedOnOneLine() {
        assertThat(answer(HttpMethod.GET, "/", HttpResponseStatus.NOT_FOUND))
                .isEqualTo("not found: this listener serves GET /metrics\n");
        assertThat(answer(HttpMethod.POST, "/metrics", HttpResponseStatus.METHOD_NOT_ALLOWED))
                .isEqualTo("method not allowed: use GET /metrics\n");
        assertThat(scrapes).isEmpty();
    }

    @Test
    void aStoppingServerAnswers503() {
        EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics::scrape, task -> {
            throw new RejectedExecutionException("stopped");
        }));

        channel.writeInbound(request(HttpMethod.GET, "/metrics", ""));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        } finally {
            response.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    private String answer(HttpMethod method, String path, HttpResponseStatus expected) {
        EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics::scrape, scrapes::add));
        channel.writeInbound(request(method, path, ""));
        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(expected);
            assertThat(channel.isOpen()).isFalse();
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
            channel.finish();
        }
    }

    private static DefaultFullHttpRequest request(HttpMethod method, String uri, String accept) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (!accept.isEmpty()) {
            request.headers().set(HttpHeaderNames.ACCEPT, accept);
        }
        return request;
    }
}

package dev.secureconnect.server.metrics;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The metrics listener: plain HTTP/1.1, {@code GET /metrics} only ({@link MetricsHandler}), one request per
 * connection, scrapes made one at a time on a thread of its own. It is meant for loopback (the default, {@code
 * 127.0.0.1:9464}); {@code server.yaml} must say {@code metrics.allowRemote: true} for any other address, which then
 * belongs behind TLS or a firewall (docs/metrics.md).
 */
public final class MetricsListener implements AutoCloseable {

    /** How long a connection may stay silent before it is closed. */
    static final Duration IDLE = Duration.ofSeconds(30);

    /** The largest request taken (a scrape is a GET with a few headers). */
    static final int MAX_REQUEST_BYTES = 8 * 1024;

    private final ServerMetrics metrics;
    private final ExecutorService scraping;
    private final Channel channel;

    private MetricsListener(ServerMetrics metrics, ExecutorService scraping, Channel channel) {
        this.metrics = metrics;
        this.scraping = scraping;
        this.channel = channel;
    }

    /** Binds the listener; port 0 picks a free one ({@link #address()}). */
    public static MetricsListener bind(
            ServerMetrics metrics, EventLoopGroup boss, EventLoopGroup workers, String host, int port)
            throws InterruptedException {
        requireNonNull(metrics, "metrics");
        ExecutorService scraping = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sc-server-metrics");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(Transports.serverChannel(boss))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("idle", new ReadTimeoutHandler(IDLE.toSeconds(), TimeUnit.SECONDS));
                            ch.pipeline().addLast("http", new HttpServerCodec());
                            ch.pipeline().addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                            ch.pipeline().addLast("metrics", new MetricsHandler(metrics::scrape, scraping));
                        }
                    })
                    .bind(host, port)
                    .sync()
                    .channel();
            return new MetricsListener(metrics, scraping, channel);
        } catch (Exception e) { // a bind that fails throws the BindException undeclared
            scraping.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        scraping.shutdownNow();
    }
}

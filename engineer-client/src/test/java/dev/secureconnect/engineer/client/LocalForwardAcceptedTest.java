package dev.secureconnect.engineer.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.relay.HeldInput;
import dev.secureconnect.tunnel.retry.Backoff;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A socket accepted by {@code forward}, on an {@link EmbeddedChannel}, while no connection to the server can be made:
 * it is kept in the forward's group, holds what it reads ({@link HeldInput}), and once the wait for the connection
 * ends it is closed, what it held released, and the reason reported on one line.
 */
class LocalForwardAcceptedTest {

    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final ChannelGroup sockets = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private final LastingConnection connection = LastingConnection.connecting(
            "server.test:8443",
            () -> {
                throw new EngineerException("connection refused");
            },
            new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(1)),
            notice -> {});

    @AfterEach
    void close() {
        connection.close();
    }

    private EmbeddedChannel accepted(Duration wait) {
        return new EmbeddedChannel(new LocalForward.Accepted(
                connection,
                new DefaultHttp2Headers().method("CONNECT").set(LinkProtocol.HEADER_APPLIANCE, "SC-TEST"),
                wait,
                problems::add,
                sockets));
    }

    @Test
    void aSocketWaitsHoldingItsInputAndIsClosedWithTheReasonWhenTheConnectionEnds() {
        EmbeddedChannel socket = accepted(Duration.ofMinutes(1));

        assertThat(sockets.contains(socket)).isTrue();
        assertThat(socket.pipeline().get(LocalForward.Accepted.class)).isNull();
        assertThat(socket.pipeline().get(HeldInput.class)).isNotNull();
        ByteBuf early = Unpooled.copiedBuffer("early", StandardCharsets.UTF_8);
        socket.writeInbound(early);
        assertThat(socket.isOpen()).isTrue();
        assertThat(problems).isEmpty();

        connection.close(); // the wait ends: the connection will not be made

        assertThat(problems).containsExactly("the connection to the server at server.test:8443 is closed");
        assertThat(socket.isOpen()).isFalse();
        assertThat(early.refCnt()).as("what the socket held is released").isZero();
        assertThat(sockets.contains(socket)).isFalse();
    }

    @Test
    void aSocketWhoseWaitRunsOutIsClosedWithTheServerUnreachable() throws Exception {
        EmbeddedChannel socket = accepted(Duration.ofMillis(50));

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (socket.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10); // the wait runs out on the future's timer thread, which closes the socket
        }

        assertThat(socket.isOpen()).isFalse();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).startsWith("the server at server.test:8443 cannot be reached");
    }

    @Test
    void anAcceptedSocketMovesToItsStreamsEventLoopKeepingWhatItHolds() throws Exception {
        EventLoopGroup accepting = Transports.group(1, new DefaultThreadFactory("accepting", true));
        EventLoopGroup streams = Transports.group(1, new DefaultThreadFactory("streams", true));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Channel socket = new Bootstrap()
                    .group(accepting)
                    .channel(Transports.socketChannel(accepting))
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new HeldInput())
                    .connect(server.getLocalSocketAddress())
                    .sync()
                    .channel();
            try (Socket peer = server.accept()) {
                EventLoop target = streams.next();
                assertThat(LocalForward.Accepted.moveTo(socket, target).await(10, TimeUnit.SECONDS))
                        .isTrue();
                assertThat(socket.eventLoop()).isSameAs(target);
                assertThat(socket.isActive()).isTrue();
                assertThat(socket.pipeline().get(HeldInput.class)).isNotNull();
                socket.writeAndFlush(Unpooled.copiedBuffer("moved", StandardCharsets.US_ASCII))
                        .sync();
                assertThat(new String(peer.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                        .isEqualTo("moved");
                socket.close().sync();
            }
        } finally {
            accepting.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            streams.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}

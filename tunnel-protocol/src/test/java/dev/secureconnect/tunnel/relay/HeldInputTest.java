package dev.secureconnect.tunnel.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a socket reads before its relay is in place is held and replayed to the relay, in order, end of input
 * included: on {@link EmbeddedChannel}s, and on real epoll sockets whose client writes and closes before the relay
 * exists (epoll reads such a socket with auto-read off; without the holder the bytes and the end were lost and the
 * stream never ended).
 */
class HeldInputTest {

    @Test
    void whatWasReadBeforeTheRelayReachesThePeerThenTheEnd() {
        EmbeddedChannel socket = new EmbeddedChannel(new HeldInput());
        socket.config().setAutoRead(false);
        EmbeddedChannel peer = new EmbeddedChannel();
        peer.config().setAutoRead(false);
        socket.writeInbound(bytes("early "), bytes("bytes"));
        socket.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        HeldInput held = socket.pipeline().get(HeldInput.class);
        assertThat(held.size()).as("two reads and the input's end held").isEqualTo(3);
        assertThat(peer.outboundMessages()).isEmpty();

        Relay.start(socket, peer);
        runTasks(socket, peer);

        assertThat(text(peer.readOutbound())).isEqualTo("early ");
        assertThat(text(peer.readOutbound())).isEqualTo("bytes");
        assertThat(socket.pipeline().get(HeldInput.class))
                .as("it leaves once replayed")
                .isNull();
        // the input's end was passed on: the peer's output is ended behind the bytes (a channel that is no socket
        // is closed)
        ByteBuf end = peer.readOutbound();
        assertThat(end.readableBytes()).isZero();
        end.release();
        assertThat(peer.isOpen()).isFalse();
        socket.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }

    @Test
    void readsArrivingAfterTheReplayPassStraightOn() {
        EmbeddedChannel socket = new EmbeddedChannel(new HeldInput());
        socket.config().setAutoRead(false);
        EmbeddedChannel peer = new EmbeddedChannel();
        peer.config().setAutoRead(false);
        Relay.start(socket, peer);
        runTasks(socket, peer);
        assertThat(socket.pipeline().get(HeldInput.class)).isNull();

        socket.writeInbound(bytes("later"));
        assertThat(text(peer.readOutbound())).isEqualTo("later");
        socket.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }

    @Test
    void whatIsHeldIsReleasedWhenTheSocketClosesFirst() {
        EmbeddedChannel socket = new EmbeddedChannel(new HeldInput());
        ByteBuf early = bytes("never relayed");
        socket.writeInbound(early);
        assertThat(early.refCnt()).isEqualTo(1);
        socket.close();
        assertThat(early.refCnt()).as("released with the pipeline").isZero();
    }

    @Test
    void aClientThatWritesAndClosesAtOnceOnEpollLosesNothing() throws Exception {
        assumeTrue(Epoll.isAvailable(), "Netty's epoll transport does not load here");
        EventLoopGroup group = new EpollEventLoopGroup(2);
        LinkedBlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        try (ServerSocket sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline().addLast(new HeldInput());
                            accepted.add(channel);
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync()
                    .channel();
            try (Socket client = new Socket(
                    InetAddress.getLoopbackAddress(), ((InetSocketAddress) listener.localAddress()).getPort())) {
                client.getOutputStream().write("written, then closed".getBytes(StandardCharsets.UTF_8));
            }
            Channel socket = accepted.poll(10, TimeUnit.SECONDS);
            assertThat(socket).as("accepted").isNotNull();
            // epoll reads the half-closed socket although auto-read is off: its input ends before any relay
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!((DuplexChannel) socket).isInputShutdown() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(((DuplexChannel) socket).isInputShutdown())
                    .as("epoll read the socket before the relay")
                    .isTrue();

            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> readAll(sink));
            Channel toSink = new Bootstrap()
                    .group(group)
                    .channel(EpollSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new HeldInput())
                    .connect(sink.getLocalSocketAddress())
                    .sync()
                    .channel();
            Relay relay = Relay.start(socket, toSink);

            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("written, then closed");
            Relay.Outcome outcome = relay.finished().get(10, TimeUnit.SECONDS);
            assertThat(outcome.bytesFirstToSecond()).isEqualTo("written, then closed".length());
            assertThat(outcome.complete()).isTrue();
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** What the one connection to {@code sink} sends until it ends its side; the sink then closes. */
    private static String readAll(ServerSocket sink) {
        try (Socket connection = sink.accept();
                InputStream in = connection.getInputStream()) {
            connection.setSoTimeout(10_000);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs both loops' tasks, and the tasks those queue (the relay starts reading once both sides are set up). */
    private static void runTasks(EmbeddedChannel first, EmbeddedChannel second) {
        for (int round = 0; round < 3; round++) {
            first.runPendingTasks();
            second.runPendingTasks();
        }
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static String text(ByteBuf buffer) {
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            buffer.release();
        }
    }
}

package dev.secureconnect.tunnel.link;

import dev.secureconnect.tunnel.relay.Relay;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A link over plain TCP on 127.0.0.1 with both ends in this JVM: a "server" (HTTP/2 client) accepting the
 * appliance's connection, an "appliance" (HTTP/2 server) relaying CONNECT streams to allowed local ports, a
 * loopback echo service, and a front door on the server side whose every TCP connection becomes a CONNECT stream.
 */
final class LinkHarness implements AutoCloseable {

    /** Epoll where it loads (the product's default is NIO, see Transports): the link must work on both. */
    final EventLoopGroup group = Epoll.isAvailable() ? new EpollEventLoopGroup(2) : new NioEventLoopGroup(2);

    final BlockingQueue<Channel> serverLinks = new ArrayBlockingQueue<>(4);
    final Channel serverListener;
    final Channel applianceLink;
    final Channel echo;
    final Channel front;
    final Set<Integer> allowedPorts;
    final BlockingQueue<Relay.Outcome> applianceOutcomes = new ArrayBlockingQueue<>(1024);
    /** Every relay started, front (socket to stream) and appliance (stream to socket), for {@link #describe}. */
    final List<Leg> legs = new CopyOnWriteArrayList<>();

    /** One relay and its two channels. */
    record Leg(String name, Relay relay, Channel first, Channel second) {}

    /**
     * The last events each relayed channel saw (behind the relay's handler): reads, read completions, writability
     * changes and what the channel's writability and autoRead were then, with the thread; {@link #describe} prints
     * them, so that a stalled relay shows which side stopped reading and what it last heard.
     */
    static final class Trace extends ChannelInboundHandlerAdapter {
        private static final int KEPT = 40;
        private final Deque<String> events = new ArrayDeque<>();
        private final long start = System.nanoTime();

        private void note(ChannelHandlerContext ctx, String event) {
            Channel channel = ctx.channel();
            String line = String.format(
                    "%8.3f ms %s %s writable=%s autoRead=%s",
                    (System.nanoTime() - start) / 1e6,
                    Thread.currentThread().getName(),
                    event,
                    channel.isWritable(),
                    channel.config().isAutoRead());
            synchronized (events) {
                if (events.size() == KEPT) {
                    events.removeFirst();
                }
                events.addLast(line);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            note(ctx, "read");
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            note(ctx, "readComplete");
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            note(ctx, "writabilityChanged");
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            note(ctx, event.getClass().getSimpleName());
            ctx.fireUserEventTriggered(event);
        }

        List<String> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }
    }

    /** Starts a relay, and traces both of its channels once its handlers are in place. */
    private Relay relay(String name, Channel first, Channel second) {
        Relay relay = Relay.start(first, second);
        for (Channel channel : List.of(first, second)) {
            channel.eventLoop().execute(() -> channel.pipeline().addLast("trace", new Trace()));
        }
        legs.add(new Leg(name, relay, first, second));
        return relay;
    }

    LinkHarness(LinkSettings settings, Set<Integer> extraAllowed) throws InterruptedException {
        echo = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel(group))
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new EchoHandler())
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        allowedPorts = new java.util.HashSet<>(extraAllowed);
        allowedPorts.add(port(echo));

        serverListener = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel(group))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LinkCodecs.installServerSide(ch.pipeline(), settings);
                        serverLinks.add(ch);
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();

        applianceLink = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel(group))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                ctx.pipeline().remove(this);
                                LinkCodecs.installApplianceSide(
                                        ctx.pipeline(), settings, new ChannelInitializer<Http2StreamChannel>() {
                                            @Override
                                            protected void initChannel(Http2StreamChannel stream) {
                                                stream.pipeline().addLast(new ApplianceStreams());
                                            }
                                        });
                                ctx.fireChannelActive();
                            }
                        });
                    }
                })
                .connect(serverListener.localAddress())
                .sync()
                .channel();

        front = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel(group))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Channel link = serverLink();
                        StreamOpener.connect(
                                        link,
                                        StreamRequest.loopback(port(echo), "s-" + ch.remoteAddress(), "12345678"),
                                        Duration.ofSeconds(10))
                                .addListener(opened -> {
                                    if (opened.isSuccess()) {
                                        relay("front", ch, (Http2StreamChannel) opened.getNow());
                                    } else {
                                        ch.close();
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    Channel serverLink() {
        Channel link = serverLinks.peek();
        if (link == null) {
            throw new IllegalStateException("no link accepted yet");
        }
        return link;
    }

    Channel awaitServerLink() throws InterruptedException {
        Channel link = serverLinks.poll(10, TimeUnit.SECONDS);
        if (link == null) {
            throw new IllegalStateException("the appliance's link did not arrive within 10 s");
        }
        serverLinks.add(link);
        return link;
    }

    static int port(Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * What every relay and its channels are waiting on, for a test that stalled: bytes relayed each way, and for each
     * channel whether it is active, writable, reading (autoRead), half-closed, and for an HTTP/2 stream its state and
     * the flow-control windows of the stream and of its connection, both ways. Read on each channel's event loop.
     */
    String describe() {
        StringBuilder text = new StringBuilder();
        for (Leg leg : legs) {
            text.append(leg.name())
                    .append(" relay: ")
                    .append(leg.relay().bytesFirstToSecond())
                    .append(" bytes first to second, ")
                    .append(leg.relay().bytesSecondToFirst())
                    .append(" back, finished ")
                    .append(leg.relay().finished().isDone())
                    .append('\n');
            for (Channel channel : List.of(leg.first(), leg.second())) {
                text.append("  ").append(state(channel)).append('\n');
                Trace trace = channel.pipeline().get(Trace.class);
                if (trace != null) {
                    trace.events()
                            .forEach(event -> text.append("    ").append(event).append('\n'));
                }
            }
        }
        for (Channel link : List.of(applianceLink, serverLink())) {
            text.append("link ").append(state(link)).append('\n');
        }
        return text.toString();
    }

    private static String state(Channel channel) {
        try {
            return channel.eventLoop()
                    .submit(() -> {
                        StringBuilder line = new StringBuilder(channel.toString())
                                .append(" active=")
                                .append(channel.isActive())
                                .append(" writable=")
                                .append(channel.isWritable())
                                .append(" bytesBeforeUnwritable=")
                                .append(channel.bytesBeforeUnwritable())
                                .append(" autoRead=")
                                .append(channel.config().isAutoRead());
                        if (channel instanceof DuplexChannel duplex) {
                            line.append(" inputShutdown=")
                                    .append(duplex.isInputShutdown())
                                    .append(" outputShutdown=")
                                    .append(duplex.isOutputShutdown());
                        }
                        Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
                        Http2FrameCodec codec = connection == null
                                ? null
                                : connection.pipeline().get(Http2FrameCodec.class);
                        if (codec != null) {
                            Http2Connection http2 = codec.connection();
                            Http2Stream stream = channel instanceof Http2StreamChannel child
                                    ? http2.stream(child.stream().id())
                                    : http2.connectionStream();
                            if (stream == null) {
                                line.append(" stream=gone");
                            } else {
                                line.append(" stream=")
                                        .append(stream.id())
                                        .append('/')
                                        .append(stream.state())
                                        .append(" receiveWindow=")
                                        .append(http2.local().flowController().windowSize(stream))
                                        .append(" sendWindow=")
                                        .append(http2.remote().flowController().windowSize(stream))
                                        .append(" sendWritable=")
                                        .append(http2.remote().flowController().isWritable(stream));
                            }
                        }
                        return line.toString();
                    })
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return channel + " (state unknown: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    /** The appliance's handling: CONNECT to an allowed loopback port is relayed; hello answers; all else 404. */
    final class ApplianceStreams extends StreamRequestHandler {
        @Override
        protected void onConnect(Http2StreamChannel stream, StreamRequest request) {
            if (!allowedPorts.contains(request.port()) || !request.host().equals("127.0.0.1")) {
                respond(stream, 403, "port " + request.port() + " is not allow-listed");
                return;
            }
            new Bootstrap()
                    .group(stream.eventLoop())
                    .channel(Transports.socketChannel(group))
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect("127.0.0.1", request.port())
                    .addListener(connected -> {
                        if (!connected.isSuccess()) {
                            respond(stream, 502, "service on port " + request.port() + " is not running");
                            return;
                        }
                        Channel socket = ((io.netty.channel.ChannelFuture) connected).channel();
                        stream.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2HeadersFrame(
                                new io.netty.handler.codec.http2.DefaultHttp2Headers().status("200"), false));
                        relay("appliance", stream, socket)
                                .finished()
                                .addListener(done -> applianceOutcomes.add((Relay.Outcome) done.getNow()));
                    });
        }

        @Override
        protected void onRequest(Http2StreamChannel stream, Http2Headers headers, byte[] body) {
            if (LinkProtocol.PATH_HELLO.contentEquals(headers.path())) {
                Hello hello = new Hello(
                        "SN-TEST",
                        LinkProtocol.VERSION,
                        "test",
                        java.util.List.of("12345678"),
                        java.util.List.of(new ServiceEntry("echo", port(echo))));
                respondWith(stream, new byte[0], false);
                send(stream, LinkJson.encode(hello));
            } else if (LinkProtocol.PATH_ADMISSION.contentEquals(headers.path())) {
                Admission admission = LinkJson.decode(body, Admission.class);
                respondWith(stream, LinkJson.encode(admission), true);
            } else {
                respond(stream, 404, "no such path " + headers.path());
            }
        }
    }

    /** Echoes everything; on the client's half-close, half-closes back. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                // shutting the output down drops what the outbound buffer still holds: only once the echo is written
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                        .addListener(written ->
                                ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(f -> ctx.close()));
            }
        }
    }
}

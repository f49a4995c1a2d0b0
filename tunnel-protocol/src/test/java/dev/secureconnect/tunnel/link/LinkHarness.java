package dev.secureconnect.tunnel.link;

import dev.secureconnect.tunnel.relay.Relay;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
                                        Relay.start(ch, (Http2StreamChannel) opened.getNow());
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
                        Relay.start(stream, socket)
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
                ctx.flush();
                ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(f -> ctx.close());
            }
        }
    }
}

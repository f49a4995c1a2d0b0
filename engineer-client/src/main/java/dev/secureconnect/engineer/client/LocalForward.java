package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRefusedException;
import dev.secureconnect.tunnel.relay.HeldInput;
import dev.secureconnect.tunnel.relay.Relay;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code forward}: a listener on 127.0.0.1 whose every accepted socket becomes a CONNECT stream on the connection to
 * the server, relayed byte for byte ({@link Relay}: back-pressure both ways, half-close passed on). The socket reads
 * nothing until the server answered 200; a refused stream closes its socket and reports the reason. The connection is
 * a {@link LastingConnection}: when it drops, the sockets relayed on it are closed, each reported with the reason, the
 * listener stays open, and a socket accepted meanwhile waits for the connection to be made again (at most the wait
 * given), then is closed with the reason if it was not.
 */
public final class LocalForward implements AutoCloseable {

    private final Channel listener;
    private final ChannelGroup sockets;
    private final EventLoopGroup group;

    private LocalForward(Channel listener, ChannelGroup sockets, EventLoopGroup group) {
        this.listener = listener;
        this.sockets = sockets;
        this.group = group;
    }

    /**
     * Binds {@code 127.0.0.1:localPort} (0 = any free port) and starts forwarding.
     *
     * @param request the CONNECT request headers of every stream ({@link SessionRequests#connect})
     * @param wait how long a socket accepted while the connection is being made again waits for it
     * @param problems told, on an event loop, why a stream could not be opened or ended early (one line)
     * @throws EngineerException if the port cannot be bound (taken, not allowed)
     */
    public static LocalForward start(
            LastingConnection connection,
            int localPort,
            Http2Headers request,
            Duration wait,
            Consumer<String> problems) {
        requireNonNull(connection, "connection");
        requireNonNull(request, "request");
        requireNonNull(wait, "wait");
        requireNonNull(problems, "problems");
        EventLoopGroup group = Transports.group(1, new DefaultThreadFactory("sc-engineer-forward", true));
        ChannelGroup sockets = new DefaultChannelGroup(group.next());
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel(group))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new Accepted(connection, request, wait, problems, sockets))
                .bind("127.0.0.1", localPort)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new EngineerException(
                    "cannot listen on 127.0.0.1:" + localPort + ": "
                            + OneLine.of(String.valueOf(bound.cause().getMessage())),
                    bound.cause());
        }
        return new LocalForward(bound.channel(), sockets, group);
    }

    /** The local port it listens on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Completes when the listener closed ({@link #close()}). */
    public ChannelFuture closeFuture() {
        return listener.closeFuture();
    }

    /** Closes the listener and the sockets it accepted (their relays end before the event loop stops). */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        sockets.close().awaitUninterruptibly();
        group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    }

    /** Opens the socket's stream once it is accepted, then relays. */
    static final class Accepted extends ChannelInboundHandlerAdapter { // package-private: its EmbeddedChannel test
        private final LastingConnection connection;
        private final Http2Headers request;
        private final Duration wait;
        private final Consumer<String> problems;
        private final ChannelGroup sockets;

        Accepted(
                LastingConnection connection,
                Http2Headers request,
                Duration wait,
                Consumer<String> problems,
                ChannelGroup sockets) {
            this.connection = connection;
            this.request = request;
            this.wait = wait;
            this.problems = problems;
            this.sockets = sockets;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel socket = ctx.channel();
            sockets.add(socket);
            String peer = peer(socket);
            ctx.pipeline().replace(this, "held-input", new HeldInput()); // what epoll reads before the relay
            connection
                    .connection()
                    .orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((server, failure) -> {
                        if (failure != null) {
                            problems.accept(connection.unreachable());
                            socket.close();
                        } else if (socket.isActive()) {
                            open(socket, peer, server);
                        }
                    });
        }

        private void open(Channel socket, String peer, ServerConnection server) {
            server.open(new DefaultHttp2Headers().set(request)).addListener(done -> {
                if (!done.isSuccess()) {
                    Throwable cause = done.cause();
                    problems.accept(
                            cause instanceof StreamRefusedException refused
                                    ? "refused (" + refused.status() + "): " + OneLine.of(refused.getMessage())
                                    : OneLine.of(String.valueOf(cause.getMessage())));
                    socket.close();
                    return;
                }
                StreamOpener.Opened opened = (StreamOpener.Opened) done.getNow();
                if (!socket.isActive()) {
                    opened.stream().close();
                    return;
                }
                moveTo(socket, opened.stream().eventLoop()).addListener(moved -> {
                    if (!moved.isSuccess() || !socket.isActive()) {
                        opened.stream().close();
                        socket.close();
                        return;
                    }
                    Relay.start(socket, opened.stream()).finished().addListener(finished -> {
                        if (!server.isOpen()) {
                            problems.accept("the connection from " + peer + " ended: the connection to the server"
                                    + " at " + server.server() + " closed" + LastingConnection.closeReason(server));
                        }
                    });
                });
            });
        }

        /**
         * Moves the accepted socket (reading nothing yet) to its stream's event loop, so that the relay hands each read
         * to the stream, and each DATA frame to the socket, on one thread, without a task queued on another (a thread
         * hop less each way, on every round trip). A socket already there, or whose transport the loop does not run
         * (a test's mix of NIO and epoll), stays where it is.
         */
        static ChannelFuture moveTo(Channel socket, EventLoop loop) {
            if (socket.eventLoop() == loop || Transports.socketChannel(loop) != socket.getClass()) {
                return socket.newSucceededFuture();
            }
            ChannelPromise moved = socket.newPromise();
            socket.deregister().addListener(deregistered -> {
                if (!deregistered.isSuccess()) {
                    moved.tryFailure(deregistered.cause());
                    return;
                }
                loop.register(socket).addListener(registered -> {
                    if (registered.isSuccess()) {
                        moved.trySuccess();
                    } else {
                        moved.tryFailure(registered.cause());
                    }
                });
            });
            return moved;
        }

        private static String peer(Channel socket) {
            return socket.remoteAddress() instanceof InetSocketAddress address
                    ? "127.0.0.1:" + address.getPort()
                    : String.valueOf(socket.remoteAddress());
        }
    }
}

package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRefusedException;
import dev.secureconnect.tunnel.relay.Relay;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * {@code forward}: a listener on 127.0.0.1 whose every accepted socket becomes a CONNECT stream on the one connection
 * to the server, relayed byte for byte ({@link Relay}: back-pressure both ways, half-close passed on). The socket
 * reads nothing until the server answered 200; a refused stream closes its socket and reports the reason. The
 * listener closes when the connection to the server closes.
 */
public final class LocalForward implements AutoCloseable {

    private final Channel listener;

    private LocalForward(Channel listener) {
        this.listener = listener;
    }

    /**
     * Binds {@code 127.0.0.1:localPort} (0 = any free port) and starts forwarding.
     *
     * @param request the CONNECT request headers of every stream ({@link SessionRequests#connect})
     * @param problems told, on an event loop, why a stream could not be opened (one line)
     * @throws EngineerException if the port cannot be bound (taken, not allowed)
     */
    public static LocalForward start(
            ServerConnection connection, int localPort, Http2Headers request, Consumer<String> problems) {
        requireNonNull(connection, "connection");
        requireNonNull(request, "request");
        requireNonNull(problems, "problems");
        ChannelFuture bound = new ServerBootstrap()
                .group(connection.group())
                .channel(Transports.serverChannel(connection.group()))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new Accepted(connection, request, problems))
                .bind("127.0.0.1", localPort)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new EngineerException(
                    "cannot listen on 127.0.0.1:" + localPort + ": "
                            + OneLine.of(String.valueOf(bound.cause().getMessage())),
                    bound.cause());
        }
        Channel listener = bound.channel();
        connection.channel().closeFuture().addListener(closed -> listener.close());
        return new LocalForward(listener);
    }

    /** The local port it listens on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Completes when the listener closed (by {@link #close()} or because the connection to the server closed). */
    public ChannelFuture closeFuture() {
        return listener.closeFuture();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
    }

    /** Opens the socket's stream once it is accepted, then relays. */
    private static final class Accepted extends ChannelInboundHandlerAdapter {
        private final ServerConnection connection;
        private final Http2Headers request;
        private final Consumer<String> problems;

        Accepted(ServerConnection connection, Http2Headers request, Consumer<String> problems) {
            this.connection = connection;
            this.request = request;
            this.problems = problems;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel socket = ctx.channel();
            ctx.pipeline().remove(this);
            if (!connection.isOpen()) {
                problems.accept("the connection to the server is closed");
                socket.close();
                return;
            }
            connection.open(new DefaultHttp2Headers().set(request)).addListener(done -> {
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
                Relay.start(socket, opened.stream());
            });
        }
    }
}

package dev.secureconnect.it;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.server.sessions.SessionGate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP listener on 127.0.0.1:0 whose every connection becomes a session stream to one appliance service through
 * the server's session gate ({@link SessionGate#openConnect}): every check of an engineer's stream but the login
 * session, with a token the server issued.
 */
final class FrontDoor implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final Channel listener;
    final BlockingQueue<Throwable> refusals = new ArrayBlockingQueue<>(1024);

    /** Streams for an engineer enrolled on {@code server}, with a token the server issued for the appliance and ticket. */
    FrontDoor(ServerUnderTest server, String serial, String ticket, int port) throws InterruptedException {
        this(server, serial, ticket, port, Duration.ofHours(1));
    }

    /** As above, with a token that lives {@code lifetime}. */
    FrontDoor(ServerUnderTest server, String serial, String ticket, int port, Duration lifetime)
            throws InterruptedException {
        TestPki.Issued engineer = server.enrolledEngineer();
        SignedAccessToken token = server.issueToken(engineer, serial, ticket, lifetime);
        SessionGate sessions = server.daemon.sessions();
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        sessions.openConnect(token, engineer.certificate(), port, ch)
                                .addListener(opened -> {
                                    if (!opened.isSuccess()) {
                                        refusals.add(opened.cause());
                                        ch.close();
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** What comes back for "ping" through this door (to an echo service): empty when the stream was refused. */
    String echoPing() {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    Throwable nextRefusal() throws InterruptedException {
        return refusals.poll(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        listener.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
}

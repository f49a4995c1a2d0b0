package dev.secureconnect.tunnel.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one place that chooses Netty's transport: NIO, or Netty's native epoll transport on Linux when the system property
 * {@value #PROPERTY}{@code =epoll} asks for it and its library loads. Every bootstrap takes its event loop group from
 * {@link #group} and its channel class from {@link #socketChannel} or {@link #serverChannel} of the group it runs on,
 * so a channel always matches its loop, whichever transport made it.
 *
 * <p>Epoll reads a socket whose peer has closed its side even with auto-read off and no read asked for (it handles
 * EPOLLRDHUP by reading), so the bytes and the end of input of a client that writes and closes at once arrive before
 * their relay is in place: every socket that is relayed holds them in a {@link dev.secureconnect.tunnel.relay.HeldInput}
 * until {@link dev.secureconnect.tunnel.relay.Relay#start} replays them. NIO stays the default until epoll has been
 * measured against it on a quiet machine (docs/performance.md, "The transport").
 */
public final class Transports {

    /** The system property that asks for epoll when set to {@code epoll}; anything else (or nothing) means NIO. */
    public static final String PROPERTY = "secureconnect.transport";

    private Transports() {}

    /** The transport this JVM uses for new groups: {@code epoll} or {@code nio}. */
    public static String chosen() {
        boolean asked = useEpoll(System.getProperty(PROPERTY), true); // the native library is loaded only if asked
        return asked && Epoll.isAvailable() ? "epoll" : "nio";
    }

    /** Epoll when it is asked for and available. */
    static boolean useEpoll(@Nullable String property, boolean epollAvailable) {
        return epollAvailable && "epoll".equalsIgnoreCase(property == null ? "" : property.strip());
    }

    /** An event loop group of {@code threads} threads (0: Netty's default, twice the cores), named by Netty. */
    public static EventLoopGroup group(int threads) {
        return group(threads, new DefaultThreadFactory(chosen() + "EventLoopGroup"));
    }

    /** An event loop group of {@code threads} threads (0: Netty's default) made by {@code threads}. */
    public static EventLoopGroup group(int threads, ThreadFactory factory) {
        return chosen().equals("epoll")
                ? new EpollEventLoopGroup(threads, factory)
                : new NioEventLoopGroup(threads, factory);
    }

    /** The client socket channel class that runs on {@code group} (a group or one of its loops). */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The listening socket channel class that runs on {@code group} (a group or one of its loops). */
    public static Class<? extends ServerSocketChannel> serverChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    private static boolean isEpoll(EventLoopGroup group) {
        EventLoopGroup owner = group instanceof EventLoop loop && loop.parent() != null ? loop.parent() : group;
        return owner instanceof EpollEventLoopGroup;
    }
}

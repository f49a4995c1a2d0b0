package dev.secureconnect.tunnel.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class TransportsTest {

    @Test
    void epollOnlyWhenAskedForAndAvailable() {
        assertThat(Transports.useEpoll(null, true)).isFalse();
        assertThat(Transports.useEpoll("", true)).isFalse();
        assertThat(Transports.useEpoll("nio", true)).isFalse();
        assertThat(Transports.useEpoll("epoll", true)).isTrue();
        assertThat(Transports.useEpoll(" EPOLL ", true)).isTrue();
        assertThat(Transports.useEpoll("epoll", false)).isFalse();
        assertThat(Transports.useEpoll(null, false)).isFalse();
    }

    @Test
    @EnabledOnOs(
            value = OS.LINUX,
            architectures = {"amd64", "aarch64"})
    void theNativeLibraryShippedForLinuxLoads() {
        assertThat(Epoll.isAvailable())
                .as("epoll unavailable: %s", Epoll.unavailabilityCause())
                .isTrue();
        boolean epollAsked = "epoll".equals(System.getProperty(Transports.PROPERTY));
        assertThat(Transports.chosen()).isEqualTo(epollAsked ? "epoll" : "nio");
    }

    @Test
    void channelClassesFollowTheGroupAndItsLoops() {
        EventLoopGroup nio = new NioEventLoopGroup(1);
        try {
            assertThat(Transports.socketChannel(nio)).isEqualTo(NioSocketChannel.class);
            assertThat(Transports.socketChannel(nio.next())).isEqualTo(NioSocketChannel.class);
            assertThat(Transports.serverChannel(nio.next())).isEqualTo(NioServerSocketChannel.class);
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (Epoll.isAvailable()) {
            EventLoopGroup epoll = new EpollEventLoopGroup(1);
            try {
                assertThat(Transports.socketChannel(epoll)).isEqualTo(EpollSocketChannel.class);
                assertThat(Transports.socketChannel(epoll.next())).isEqualTo(EpollSocketChannel.class);
                assertThat(Transports.serverChannel(epoll.next())).isEqualTo(EpollServerSocketChannel.class);
            } finally {
                epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theGroupIsOfTheChosenTransport() {
        EventLoopGroup group = Transports.group(1);
        try {
            assertThat(group)
                    .isInstanceOf(
                            Transports.chosen().equals("epoll") ? EpollEventLoopGroup.class : NioEventLoopGroup.class);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}

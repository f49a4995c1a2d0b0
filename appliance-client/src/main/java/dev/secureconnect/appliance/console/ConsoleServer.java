package dev.secureconnect.appliance.console;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.admin.AdminServer;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTPS listener, bound by the daemon at start ({@code console} in {@code appliance.json}). Its address
 * is written to {@code DIR/run/console.url}.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
    static final String URL_FILE = "console.url";
    /** Threads that run the API (it hashes passwords and waits for the link's loop). */
    private static final int BLOCKING_THREADS = 2;

    private final EventLoopGroup group;
    private final EventExecutorGroup blocking;
    private final ConsoleEvents events;
    private final Channel channel;
    private final String url;

    private ConsoleServer(
            EventLoopGroup group, EventExecutorGroup blocking, ConsoleEvents events, Channel channel, String url) {
        this.group = group;
        this.blocking = blocking;
        this.events = events;
        this.channel = channel;
        this.url = url;
    }

    /**
     * Binds the console: the certificate (made if none), the accounts, the API over {@code admin}.
     *
     * @throws ApplianceException when the certificate cannot be read or made, or the address cannot be bound
     */
    public static ConsoleServer start(
            ApplianceDirectory directory,
            ApplianceConfig.Console settings,
            AdminServer.Handler admin,
            ApplianceAuditLog audit,
            Clock clock) {
        KeyMaterial keys = ConsoleCertificate.load(directory, settings, clock);
        // the JDK's TLS: browsers are BoringSSL (Chrome) or NSS, and a BoringSSL listener cannot hold TLS 1.3 to the
        // policy's AES-256-GCM against them (see tls.provider in docs/appliance.md)
        SslContext tls = SslContexts.browserListener(keys, List.of("http/1.1"), TlsProvider.JDK);
        SignIns signIns = new SignIns(clock, settings.idleTimeout(), settings.lockoutAfter(), settings.lockoutFor());
        ConsoleApi api = new ConsoleApi(admin, new ConsoleUsers(directory), signIns, audit, directory);
        ConsoleEvents events = new ConsoleEvents(admin, signIns);
        EventLoopGroup group = Transports.group(1, new DefaultThreadFactory("sc-appliance-console", true));
        EventExecutorGroup blocking = new DefaultEventExecutorGroup(
                BLOCKING_THREADS, new DefaultThreadFactory("sc-appliance-console-api", true));
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(Transports.serverChannel(group))
                    .childHandler(new ConsoleInitializer(tls, blocking, new ConsoleHandler(api, Assets.load(), events)))
                    .bind(new InetSocketAddress(settings.bind(), settings.port()))
                    .syncUninterruptibly()
                    .channel();
            InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
            String host = bound.getAddress() instanceof java.net.Inet6Address
                    ? "[" + bound.getAddress().getHostAddress() + "]"
                    : bound.getAddress().getHostAddress();
            String url = "https://" + host + ":" + bound.getPort() + "/";
            Path file = directory.runDir().resolve(URL_FILE);
            directory.replaceFile(file, (url + "\n").getBytes(StandardCharsets.UTF_8));
            log.info("console ready at {}", url);
            return new ConsoleServer(group, blocking, events, channel, url);
        } catch (RuntimeException e) {
            events.close();
            blocking.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ApplianceException(
                    "console: cannot listen on " + settings.bind() + ":" + settings.port() + ": "
                            + OneLine.of(String.valueOf(e.getMessage()))
                            + " (set console.port in appliance.json, or console.enabled false)",
                    e);
        }
    }

    /** {@code https://ADDRESS:PORT/}. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2_000);
        events.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3_000); // closes the connections
        blocking.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3_000);
    }
}

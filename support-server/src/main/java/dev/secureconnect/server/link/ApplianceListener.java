package dev.secureconnect.server.link;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SessionTicketKey;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.callhome.CallHomeIntake;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.listener.MutualTlsListener;
import dev.secureconnect.server.listener.TicketKeyFile;
import dev.secureconnect.server.metrics.HandshakeMetrics;
import dev.secureconnect.tunnel.callhome.CallHomeProtocol;
import dev.secureconnect.tunnel.link.Http2Connections;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance listener: mutual TLS with the SecureConnect policy, appliance certificates only, ALPN
 * {@value LinkProtocol#ALPN}; after the handshake the connection becomes the HTTP/2 client side of a link and is
 * handed to {@link ApplianceLinks}. A connection that negotiated {@value CallHomeProtocol#ALPN} instead carries one
 * Call Home bundle ({@link CallHomeIntake}). Every refused handshake is audited with its reason.
 */
public final class ApplianceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceListener.class);

    private final ApplianceLinks links;
    private final MutualTlsListener listener;
    private final Http2Connections.ResetLimit resets;
    /** The ticket keys last set on the listener; null before {@link #resumeSessionsWith}. */
    private @Nullable List<SessionTicketKey> ticketKeys;
    /** Where Call Home connections go; null: they are closed. */
    private volatile @Nullable CallHomeIntake callHome;

    public ApplianceListener(
            KeyMaterial keys,
            TrustMaterial trust,
            Duration handshakeTimeout,
            ApplianceLinks links,
            ServerAuditLog audit,
            ExecutorService blocking) {
        this(keys, trust, handshakeTimeout, TlsProvider.AUTO, links, audit, blocking);
    }

    /** @param provider the TLS implementation ({@code tls.provider} of server.yaml) */
    public ApplianceListener(
            KeyMaterial keys,
            TrustMaterial trust,
            Duration handshakeTimeout,
            TlsProvider provider,
            ApplianceLinks links,
            ServerAuditLog audit,
            ExecutorService blocking) {
        this(
                keys,
                trust,
                handshakeTimeout,
                provider,
                ServerConfig.Limits.DEFAULT,
                SourceGuard.OPEN,
                links,
                audit,
                blocking);
    }

    /**
     * @param provider the TLS implementation ({@code tls.provider} of server.yaml)
     * @param limits the half-open caps and the RST_STREAM limit ({@code limits} of server.yaml)
     * @param guard the blocked sources, told of each failed handshake
     */
    public ApplianceListener(
            KeyMaterial keys,
            TrustMaterial trust,
            Duration handshakeTimeout,
            TlsProvider provider,
            ServerConfig.Limits limits,
            SourceGuard guard,
            ApplianceLinks links,
            ServerAuditLog audit,
            ExecutorService blocking) {
        this.links = links;
        this.resets = limits.resets();
        this.listener = new MutualTlsListener(
                "appliance",
                keys,
                trust,
                Set.of(CertificateRole.APPLIANCE),
                List.of(LinkProtocol.ALPN, CallHomeProtocol.ALPN),
                handshakeTimeout,
                provider,
                limits.halfOpen(),
                guard,
                audit,
                blocking,
                this::connected);
    }

    /**
     * Makes appliances' TLS sessions resumable across a restart of the server: the listener seals its session tickets
     * with the keys of {@code tickets}, rotated as it says. Call at start and then now and then (hourly): the keys
     * are set again only when they changed. On the JDK's TLS, whose ticket key cannot be set, it logs once that
     * sessions will not resume after a restart and leaves the file alone.
     */
    public synchronized void resumeSessionsWith(TicketKeyFile tickets) {
        if (listener.provider() != TlsProvider.OPENSSL) {
            if (ticketKeys == null) {
                ticketKeys = List.of();
                LOG.info("appliance listener on the JDK's TLS (tls.provider: jdk): TLS sessions resume until the server"
                        + " stops, not after a restart (its ticket key cannot be set; BoringSSL's can)");
            }
            return;
        }
        List<SessionTicketKey> keys = tickets.current();
        if (!keys.equals(ticketKeys)) {
            listener.useSessionTicketKeys(keys, TicketKeyFile.SESSION_LIFETIME);
            ticketKeys = keys;
        }
    }

    /** Takes Call Home connections ({@value CallHomeProtocol#ALPN}) from now on, into {@code intake}. */
    public ApplianceListener acceptCallHome(CallHomeIntake intake) {
        this.callHome = intake;
        return this;
    }

    /** Counts the listener's handshakes, completed or refused, in {@code metrics}; before {@link #bind}. */
    public ApplianceListener countingHandshakes(HandshakeMetrics metrics) {
        listener.countingHandshakes(metrics);
        return this;
    }

    /** Binds the listener; returns its channel (whose local address has the real port when 0 was asked for). */
    public Channel bind(EventLoopGroup boss, EventLoopGroup workers, String host, int port)
            throws InterruptedException {
        return listener.bind(boss, workers, host, port);
    }

    /** A completed handshake: the link's HTTP/2 set-up, then the hello. */
    private void connected(ChannelHandlerContext ctx, SslHandler tls, String peer) throws SSLPeerUnverifiedException {
        String protocol = tls.applicationProtocol();
        CallHomeIntake intake = callHome;
        if (CallHomeProtocol.ALPN.equals(protocol) && intake != null) {
            intake.install(
                    ctx.pipeline(),
                    SslContexts.peerIdentity(tls.engine().getSession()).id(),
                    peer);
            return;
        }
        if (!LinkProtocol.ALPN.equals(protocol)) {
            LOG.warn(
                    "appliance connection from {} negotiated ALPN '{}' instead of {}; closing",
                    peer,
                    protocol,
                    LinkProtocol.ALPN);
            ctx.close();
            return;
        }
        CertificateIdentity appliance = SslContexts.peerIdentity(tls.engine().getSession());
        LinkCodecs.installServerSide(ctx.pipeline(), links.settings(), resets);
        links.linkUp(
                appliance,
                (java.security.cert.X509Certificate) tls.engine().getSession().getPeerCertificates()[0],
                ctx.channel(),
                peer);
    }
}

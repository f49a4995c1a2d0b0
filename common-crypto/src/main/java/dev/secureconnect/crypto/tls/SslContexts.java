package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * Builds the Netty {@link SslContext}s of SecureConnect's endpoints, all on {@link TlsPolicy}, with the JDK's TLS or
 * BoringSSL as the {@link TlsProvider} says ({@link TlsProvider#AUTO} where none is given), and the
 * {@link SslHandler}s of their connections.
 *
 * <p>A listener ({@link #server}) requires a client certificate, checks it against its {@link TrustMaterial} and
 * accepts only the roles it serves (an appliance listener only appliance certificates, an engineer listener engineer
 * and API-client certificates). A client ({@link #client}) accepts only a server certificate that names the host it
 * dialled. Every refused certificate is reported to the {@link HandshakeRefusalListener}; after a handshake,
 * {@link #peerIdentity} tells who the peer is.
 *
 * <pre>{@code
 * SslContext tls = SslContexts.server(keys, trust, CertificateRole.APPLIANCE, List.of("secureconnect/1"), audit);
 * // in the ChannelInitializer of each accepted channel:
 * channel.pipeline().addLast(SslContexts.serverHandler(tls, channel, TlsPolicy.HANDSHAKE_TIMEOUT));
 * }</pre>
 */
public final class SslContexts {

    /** The roles a listener may accept from its clients, as messages list them. */
    private static final String LEAF_ROLES = "appliance, engineer, api-client or server";

    /** The longest a TLS 1.3 session ticket may be used (RFC 8446, section 4.6.1). */
    private static final Duration MAX_TICKET_LIFETIME = Duration.ofDays(7);

    private SslContexts() {}

    /**
     * The TLS context of a listener.
     *
     * @param keys the server's key and certificate chain
     * @param trust what client certificates must chain to; it must check revocation (a CRL)
     * @param requiredClientRole the one role of client certificate accepted: appliance, engineer, api-client or server
     *     (the link between server nodes)
     * @param alpn the application protocols the listener speaks, most preferred first (for the link
     *     {@code secureconnect/1}); empty for no ALPN. A client that offers none of them gets no ALPN answer.
     * @param refusals told about every refused client certificate
     */
    public static SslContext server(
            KeyMaterial keys,
            TrustMaterial trust,
            CertificateRole requiredClientRole,
            List<String> alpn,
            HandshakeRefusalListener refusals) {
        return server(keys, trust, requiredClientRole, alpn, refusals, TlsProvider.AUTO);
    }

    /**
     * The TLS context of a listener running on {@code provider}.
     *
     * @see #server(KeyMaterial, TrustMaterial, CertificateRole, List, HandshakeRefusalListener)
     */
    public static SslContext server(
            KeyMaterial keys,
            TrustMaterial trust,
            CertificateRole requiredClientRole,
            List<String> alpn,
            HandshakeRefusalListener refusals,
            TlsProvider provider) {
        requireNonNull(requiredClientRole, "requiredClientRole");
        if (requiredClientRole.isAuthority()) {
            throw new IllegalArgumentException(
                    "requiredClientRole: " + requiredClientRole + " (expected: " + LEAF_ROLES + ")");
        }
        return server(keys, trust, Set.of(requiredClientRole), alpn, refusals, provider);
    }

    /**
     * The TLS context of a listener that accepts client certificates of several roles, e.g. the engineer listener:
     * engineers and API clients. A certificate of another role is refused at the handshake ({@code wrong-role}, the
     * message listing the roles allowed); what each accepted role may do afterwards is the listener's to decide.
     *
     * @param allowedClientRoles the roles of client certificate accepted, at least one, each of appliance, engineer,
     *     api-client or server
     * @see #server(KeyMaterial, TrustMaterial, CertificateRole, List, HandshakeRefusalListener)
     */
    public static SslContext server(
            KeyMaterial keys,
            TrustMaterial trust,
            Set<CertificateRole> allowedClientRoles,
            List<String> alpn,
            HandshakeRefusalListener refusals) {
        return server(keys, trust, allowedClientRoles, alpn, refusals, TlsProvider.AUTO);
    }

    /**
     * The TLS context of a listener for several roles running on {@code provider}.
     *
     * @see #server(KeyMaterial, TrustMaterial, Set, List, HandshakeRefusalListener)
     */
    public static SslContext server(
            KeyMaterial keys,
            TrustMaterial trust,
            Set<CertificateRole> allowedClientRoles,
            List<String> alpn,
            HandshakeRefusalListener refusals,
            TlsProvider provider) {
        requireNonNull(keys, "keys");
        requireNonNull(provider, "provider");
        requireNonNull(trust, "trust");
        requireNonNull(allowedClientRoles, "allowedClientRoles");
        requireNonNull(refusals, "refusals");
        if (allowedClientRoles.isEmpty() || allowedClientRoles.stream().anyMatch(CertificateRole::isAuthority)) {
            throw new IllegalArgumentException("allowedClientRoles: "
                    + (allowedClientRoles.isEmpty()
                            ? "[]"
                            : "[" + PeerTrustManager.labels(allowedClientRoles, ", ") + "]")
                    + " (expected: at least one of " + LEAF_ROLES + ")");
        }
        if (!trust.checksRevocation()) {
            throw new CryptoException("a listener must check its clients' certificates against the CA's revocation"
                    + " list: build its TrustMaterial with withCrl(...)");
        }
        Set<CertificateRole> roles = EnumSet.copyOf(allowedClientRoles);
        PeerTrustManager trustManager = PeerTrustManager.forListener(trust, roles, refusals);
        SslContextBuilder builder = SslContextBuilder.forServer(keyManager(keys, provider.onListener()))
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(trustManager);
        return build(
                applyPolicy(builder, alpn, provider.onListener(), new PolicySigner(keys.privateKey(), true, refusals)),
                "the " + PeerTrustManager.labels(roles, "/") + " listener");
    }

    /**
     * The TLS context of a listener that browsers reach (the appliance admin's console): the same versions, suites and
     * signature algorithms as every other listener, but no client certificate is asked for (the page signs its users
     * in itself).
     *
     * @param alpn the application protocols, most preferred first ({@code http/1.1}); empty for no ALPN
     */
    public static SslContext browserListener(KeyMaterial keys, List<String> alpn, TlsProvider provider) {
        requireNonNull(keys, "keys");
        requireNonNull(provider, "provider");
        SslContextBuilder builder = SslContextBuilder.forServer(keyManager(keys, provider.onListener()))
                .clientAuth(ClientAuth.NONE);
        HandshakeRefusalListener none = (peer, subject, reason, message) -> {};
        return build(
                applyPolicy(builder, alpn, provider.onListener(), new PolicySigner(keys.privateKey(), true, none)),
                "the browser listener");
    }

    /**
     * The TLS context of a client (an appliance dialling the server, an engineer's CLI, a server node dialling
     * another). Create each connection's handler with {@link #clientHandler}: the server's certificate must name
     * the host given there.
     *
     * @param keys the client's key and certificate chain, presented to the listener
     * @param trust what the server's certificate must chain to
     * @param alpn the application protocols offered, most preferred first; empty for no ALPN
     * @param refusals told about every refused server certificate
     */
    public static SslContext client(
            KeyMaterial keys, TrustMaterial trust, List<String> alpn, HandshakeRefusalListener refusals) {
        return client(keys, trust, alpn, refusals, TlsProvider.AUTO);
    }

    /**
     * The TLS context of a client running on {@code provider}.
     *
     * @see #client(KeyMaterial, TrustMaterial, List, HandshakeRefusalListener)
     */
    public static SslContext client(
            KeyMaterial keys,
            TrustMaterial trust,
            List<String> alpn,
            HandshakeRefusalListener refusals,
            TlsProvider provider) {
        requireNonNull(keys, "keys");
        requireNonNull(provider, "provider");
        requireNonNull(trust, "trust");
        requireNonNull(refusals, "refusals");
        SslContextBuilder builder = SslContextBuilder.forClient()
                .keyManager(keyManager(keys, provider.onClient()))
                .trustManager(PeerTrustManager.forClient(trust, refusals))
                .endpointIdentificationAlgorithm(TlsPolicy.ENDPOINT_IDENTIFICATION);
        return build(
                applyPolicy(builder, alpn, provider.onClient(), new PolicySigner(keys.privateKey(), false, refusals)),
                "the client");
    }

    /**
     * The TLS context of a client that holds no certificate and trusts nothing yet but a root CA's SHA-256
     * fingerprint: an appliance enrolling with its one-time code, which carries that fingerprint. The server's chain
     * must end in the CA certificate with that fingerprint; then it is checked as {@link #client} checks it (PKIX up
     * to that root without revocation, server role, the host name given to {@link #clientHandler}, the policy's
     * suites). A mismatch fails the handshake, before the client sends any application data, and is reported to
     * {@code refusals} ({@code unknown-ca}). Runs on the JDK's TLS.
     *
     * @param alpn the application protocols offered, most preferred first; empty for no ALPN
     */
    public static SslContext pinnedRootClient(
            CertificateFingerprint root, List<String> alpn, HandshakeRefusalListener refusals) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .trustManager(new RootPinTrustManager(root, refusals))
                .endpointIdentificationAlgorithm(TlsPolicy.ENDPOINT_IDENTIFICATION);
        return build(applyPolicy(builder, alpn, TlsProvider.JDK, null), "the enrolling client");
    }

    /**
     * The handler of one accepted connection: the handshake times out after {@code handshakeTimeout}, and refusals
     * name the channel's remote address.
     */
    public static SslHandler serverHandler(SslContext context, Channel channel, Duration handshakeTimeout) {
        requireServer(context);
        TlsPolicy.requireHandshakeTimeout(handshakeTimeout);
        SocketAddress remote = channel.remoteAddress();
        SslHandler handler = remote instanceof InetSocketAddress inet
                ? context.newHandler(channel.alloc(), inet.getHostString(), inet.getPort())
                : context.newHandler(channel.alloc());
        SSLEngine engine = handler.engine();
        engine.setSSLParameters(withSignatureConstraints(engine, engine.getSSLParameters()));
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        return handler;
    }

    /**
     * The check that goes just before {@link #serverHandler}'s handler in each accepted connection's pipeline: on a
     * BoringSSL listener it refuses, with a {@code handshake_failure} alert and before any ServerHello, a TLS 1.3
     * ClientHello on which BoringSSL would choose {@code TLS_AES_128_GCM_SHA256} or
     * {@code TLS_CHACHA20_POLY1305_SHA256} (it cannot be told which TLS 1.3 suites to take), reporting it to
     * {@code refusals}; a ClientHello that passes goes on to the TLS handler and the check removes itself. On the
     * JDK's listener, which keeps to {@link TlsPolicy#CIPHER_SUITES} by itself, it removes itself at once.
     *
     * <pre>{@code
     * channel.pipeline().addLast(SslContexts.clientHelloCheck(tls, refusals));
     * channel.pipeline().addLast(SslContexts.serverHandler(tls, channel, TlsPolicy.HANDSHAKE_TIMEOUT));
     * }</pre>
     *
     * @param listener a listener's context, from {@link #server}
     * @param refusals told about every refused ClientHello
     */
    public static ChannelHandler clientHelloCheck(SslContext listener, HandshakeRefusalListener refusals) {
        requireServer(listener);
        requireNonNull(refusals, "refusals");
        return provider(listener) == TlsProvider.OPENSSL ? new ClientHelloCheck(refusals) : removedAtOnce();
    }

    /**
     * The check that goes between {@link #clientHelloCheck}'s and {@link #serverHandler}'s handlers: on a BoringSSL
     * listener it refuses, with a {@code handshake_failure} alert and before BoringSSL reads it, a client's TLS 1.2
     * CertificateVerify signed with SHA-1, SHA-224 or anything else outside {@link TlsPolicy} (BoringSSL's certificate
     * request lists {@code rsa_pkcs1_sha1}, and netty-tcnative cannot change that), reporting it to {@code refusals};
     * every byte passes through it unchanged, and it removes itself at the client's ChangeCipherSpec (under TLS 1.3,
     * once the client's records are encrypted: there the CertificateVerify cannot use SHA-1). On the JDK's listener,
     * which accepts no such signature by itself, it removes itself at once.
     *
     * <pre>{@code
     * channel.pipeline().addLast(SslContexts.clientHelloCheck(tls, refusals));
     * channel.pipeline().addLast(SslContexts.certificateVerifyCheck(tls, refusals));
     * channel.pipeline().addLast(SslContexts.serverHandler(tls, channel, TlsPolicy.HANDSHAKE_TIMEOUT));
     * }</pre>
     *
     * @param listener a listener's context, from {@link #server}
     * @param refusals told about every refused CertificateVerify
     */
    public static ChannelHandler certificateVerifyCheck(SslContext listener, HandshakeRefusalListener refusals) {
        requireServer(listener);
        requireNonNull(refusals, "refusals");
        return provider(listener) == TlsProvider.OPENSSL ? new CertificateVerifyCheck(refusals) : removedAtOnce();
    }

    /**
     * The check that goes just before {@link #clientHandler}'s handler in each connection's pipeline: on a BoringSSL
     * client it refuses, with a {@code handshake_failure} alert and before BoringSSL acts on it, a server's TLS 1.2
     * ServerKeyExchange signed with SHA-1, SHA-224 or anything else outside {@link TlsPolicy} (BoringSSL offers and
     * accepts {@code rsa_pkcs1_sha1}, and netty-tcnative cannot change that), reporting it to {@code refusals} with a
     * one-line reason; every byte passes through it unchanged, and it removes itself at the server's ChangeCipherSpec,
     * or at a ServerHello that selects TLS 1.3. On the JDK's client, which accepts no such signature by itself, it
     * removes itself at once.
     *
     * <pre>{@code
     * channel.pipeline().addLast(SslContexts.serverKeyExchangeCheck(tls, refusals));
     * channel.pipeline().addLast("tls", SslContexts.clientHandler(tls, channel.alloc(), host, port, timeout));
     * }</pre>
     *
     * @param client a client's context, from {@link #client}
     * @param refusals told about every refused ServerKeyExchange
     */
    public static ChannelHandler serverKeyExchangeCheck(SslContext client, HandshakeRefusalListener refusals) {
        if (!requireNonNull(client, "client").isClient()) {
            throw new IllegalArgumentException("client: a listener's context (expected: one from SslContexts.client)");
        }
        requireNonNull(refusals, "refusals");
        return provider(client) == TlsProvider.OPENSSL ? new ServerKeyExchangeCheck(refusals) : removedAtOnce();
    }

    /** A handler that takes itself out of the pipeline as soon as it is added. */
    private static ChannelHandler removedAtOnce() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.pipeline().remove(this);
            }
        };
    }

    /**
     * The handler of a connection to {@code host}: the JDK verifies that the server's certificate names
     * {@code host} (a DNS name, sent as SNI, or an IP literal), and the handshake times out after
     * {@code handshakeTimeout}.
     *
     * @param host the server's name or IP address as the user gave it, e.g. in {@code --server HOST:PORT}
     */
    public static SslHandler clientHandler(
            SslContext context, ByteBufAllocator allocator, String host, int port, Duration handshakeTimeout) {
        if (!requireNonNull(context, "context").isClient()) {
            throw new IllegalArgumentException("context: a listener's context (expected: one from SslContexts.client)");
        }
        TlsPolicy.requireHandshakeTimeout(handshakeTimeout);
        String name = hostName(host);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        SslHandler handler = context.newHandler(allocator, name, port);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(TlsPolicy.ENDPOINT_IDENTIFICATION);
        if (!isIpLiteral(name)) {
            parameters.setServerNames(List.of(new SNIHostName(name)));
        }
        engine.setSSLParameters(withSignatureConstraints(engine, parameters));
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        return handler;
    }

    /**
     * Makes a listener seal its TLS session tickets with {@code keys} — the first seals new tickets, every one opens
     * them (a ticket opened with another than the first is replaced by a new one) — and keep a session resumable for
     * {@code lifetime}, so that a client can resume a session made before the listener's process restarted. Call
     * again to rotate; connections in progress are not disturbed.
     *
     * <p>BoringSSL only: the JDK's listener seals its tickets with a key of its own making, kept in memory, that
     * cannot be set ({@code jdk.tls.server.enableSessionTicketExtension}); there its sessions resume until the process
     * ends, and this returns false. A resumed session is checked as a new one is (the peer's chain against the CRL as
     * it is now, its role, the cipher suite: {@link PeerTrustManager}). BoringSSL resumes TLS 1.3 sessions with
     * {@code psk_dhe_ke} only (it does not implement {@code psk_ke}), so a resumed TLS 1.3 connection has a fresh
     * ECDHE exchange: whoever learns a ticket key can resume sessions with it but not read recorded traffic.
     *
     * @param listener a listener's context, from {@link #server}
     * @param keys at least one key, the newest first
     * @param lifetime how long a session stays resumable after its full handshake: at least a second, at most 7 days
     *     (RFC 8446); no longer than the keys it is sealed with are kept
     * @return true when the listener now uses {@code keys}; false on the JDK's TLS
     */
    public static boolean useSessionTicketKeys(SslContext listener, List<SessionTicketKey> keys, Duration lifetime) {
        requireServer(listener);
        if (requireNonNull(keys, "keys").isEmpty()) {
            throw new IllegalArgumentException("keys: [] (expected: at least one)");
        }
        requireNonNull(lifetime, "lifetime");
        if (lifetime.toSeconds() < 1 || lifetime.compareTo(MAX_TICKET_LIFETIME) > 0) {
            throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: >= PT1S and <= PT168H)");
        }
        if (provider(listener) != TlsProvider.OPENSSL
                || !(listener.sessionContext() instanceof OpenSslSessionContext sessions)) {
            return false;
        }
        sessions.setTicketKeys(keys.stream()
                .map(key -> new OpenSslSessionTicketKey(key.namePart(), key.hmacPart(), key.aesPart()))
                .toArray(OpenSslSessionTicketKey[]::new));
        sessions.setSessionTimeout((int) lifetime.toSeconds());
        return true;
    }

    /**
     * Who the peer of a finished handshake is, read from its certificate: the appliance's serial, the engineer's
     * login, the server's names.
     *
     * @throws SSLPeerUnverifiedException if the session has no verified peer certificate
     */
    public static CertificateIdentity peerIdentity(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] peer = session.getPeerCertificates();
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
            throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
        }
        return CertificateIdentity.of(leaf);
    }

    /**
     * Whether the handshake that made {@code session} resumed an earlier session (a TLS 1.3 ticket, a TLS 1.2
     * session id or ticket) instead of a full handshake with certificates and signatures; ask once the handshake is
     * done. On both providers, and on listeners and clients alike: a resumption is what the trust manager checked
     * again, see {@link PeerTrustManager}.
     */
    public static boolean resumed(SSLSession session) {
        return Boolean.TRUE.equals(requireNonNull(session, "session").getValue(PeerTrustManager.RESUMED));
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    /** Which provider {@code context} runs on: {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}. */
    public static TlsProvider provider(SslContext context) {
        return requireNonNull(context, "context") instanceof OpenSslContext
                        || context instanceof ReferenceCountedOpenSslContext
                ? TlsProvider.OPENSSL
                : TlsProvider.JDK;
    }

    /** BoringSSL gets the chain only: it signs through the {@link PolicySigner} that {@link #applyPolicy} sets. */
    private static FixedKeyManager keyManager(KeyMaterial keys, TlsProvider effective) {
        return effective == TlsProvider.OPENSSL ? FixedKeyManager.keyless(keys) : new FixedKeyManager(keys);
    }

    /**
     * The JDK restricts a connection's signature schemes to those {@link TlsPolicy#SIGNATURE_CONSTRAINTS} allows
     * (SSLParameters.setSignatureSchemes is Java 19's); BoringSSL's engine takes no constraints and signs through
     * {@link PolicySigner} instead.
     */
    private static SSLParameters withSignatureConstraints(SSLEngine engine, SSLParameters parameters) {
        if (!(engine instanceof ReferenceCountedOpenSslEngine)) {
            parameters.setAlgorithmConstraints(TlsPolicy.SIGNATURE_CONSTRAINTS);
        }
        return parameters;
    }

    /**
     * @param effective {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}, as resolved for the side
     * @param signer signs BoringSSL's handshakes (unused on the JDK, where it may be null)
     */
    private static SslContextBuilder applyPolicy(
            SslContextBuilder builder, List<String> alpn, TlsProvider effective, @Nullable PolicySigner signer) {
        if (effective == TlsProvider.OPENSSL) {
            builder.option(OpenSslContextOption.PRIVATE_KEY_METHOD, requireNonNull(signer, "signer"));
        }
        List<String> protocols = List.copyOf(requireNonNull(alpn, "alpn"));
        for (String protocol : protocols) {
            if (protocol.isEmpty() || protocol.length() > 255) {
                throw new IllegalArgumentException("alpn: '" + protocol + "' (expected: 1-255 characters)");
            }
        }
        return builder.sslProvider(effective == TlsProvider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(TlsPolicy.PROTOCOLS)
                .ciphers(TlsPolicy.cipherSuites(effective), IdentityCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(
                        protocols.isEmpty()
                                ? ApplicationProtocolConfig.DISABLED
                                : new ApplicationProtocolConfig(
                                        ApplicationProtocolConfig.Protocol.ALPN,
                                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                        protocols));
    }

    private static SslContext build(SslContextBuilder builder, String what) {
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new CryptoException("cannot set up TLS for " + what + ": " + e.getMessage(), e);
        }
    }

    private static void requireServer(SslContext context) {
        if (!requireNonNull(context, "context").isServer()) {
            throw new IllegalArgumentException("context: a client's context (expected: one from SslContexts.server)");
        }
    }

    private static String hostName(String host) {
        requireNonNull(host, "host");
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (isIpLiteral(name)) {
            return name;
        }
        try {
            new SNIHostName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a DNS name or an IP address)", e);
        }
        return name;
    }

    private static boolean isIpLiteral(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }
}

/**
 * The one TLS policy of SecureConnect and the Netty {@code SslContext}s every endpoint builds from it: protocols and
 * cipher suites ({@link dev.secureconnect.crypto.tls.TlsPolicy}), an endpoint's own key and certificate chain
 * ({@link dev.secureconnect.crypto.tls.KeyMaterial}), what it trusts, with the CRL re-read when it changes
 * ({@link dev.secureconnect.crypto.tls.TrustMaterial}), and the factories
 * ({@link dev.secureconnect.crypto.tls.SslContexts}) whose trust managers check chain, revocation, key size, role
 * and, on clients, the server's name, reporting every refusal to a
 * {@link dev.secureconnect.crypto.tls.HandshakeRefusalListener}.
 */
package dev.secureconnect.crypto.tls;

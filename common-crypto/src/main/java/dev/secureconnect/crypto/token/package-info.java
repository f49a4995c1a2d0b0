/**
 * SecureConnect access tokens: a short-lived, holder-of-key credential that lets one engineer reach one appliance
 * for one ticket.
 *
 * <ul>
 *   <li>{@link dev.secureconnect.crypto.token.AccessToken}: the claims (engineer, appliance serial, ticket, engineer
 *       certificate thumbprint, issuer, issued-at, expiry, id, reason);</li>
 *   <li>{@link dev.secureconnect.crypto.token.TokenSigningKey}: the server's EC P-256 token-signing key, never the
 *       CA key, kept in a JWK file readable by its owner only;</li>
 *   <li>{@link dev.secureconnect.crypto.token.AccessTokenIssuer} (server) signs them as a compact JWS (ES256,
 *       {@code typ: sc-access+jwt}, {@code kid} = RFC 7638 thumbprint);</li>
 *   <li>{@link dev.secureconnect.crypto.token.AccessTokenVerifier} (server and appliance) checks every stream
 *       open, refusing with a {@link dev.secureconnect.crypto.token.TokenRefusedException} and a stable reason;</li>
 *   <li>{@link dev.secureconnect.crypto.token.TokenVault} (engineer) keeps a token on disk as a PBES2 JWE under the
 *       engineer's passphrase.</li>
 * </ul>
 *
 * <p>Everything is built on nimbus-jose-jwt; nothing here is home-made cryptography.
 */
package dev.secureconnect.crypto.token;

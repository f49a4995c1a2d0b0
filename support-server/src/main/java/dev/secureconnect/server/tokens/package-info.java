/**
 * Access tokens on the server: the record of every token issued ({@link dev.secureconnect.server.tokens.TokenStore}),
 * the decision to issue one ({@link dev.secureconnect.server.tokens.TokenIssuance}), revocation, and the daemon's
 * watch for revocations made by {@code sc-server tokens revoke} in another process
 * ({@link dev.secureconnect.server.tokens.RevocationWatcher}).
 */
package dev.secureconnect.server.tokens;

/**
 * Support engineers enrolled for login: the certificate that identifies each one, their TOTP second factor
 * (secret sealed at rest under {@code DIR/keys/totp.key}, each time step accepted at most once, lockout after
 * repeated failures), and the operator's enrol / disable / enable / reset-totp, each audited.
 */
package dev.secureconnect.server.engineers;

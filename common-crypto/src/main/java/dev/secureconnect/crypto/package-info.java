/**
 * Cryptography shared by every SecureConnect component: keys ({@code keys}), certificate profiles, requests,
 * revocation and chain validation ({@code pki}), PEM and PKCS#12 files ({@code pem}) and the SHA-256 hash chain
 * of the audit logs ({@code chain}). Everything here is built on Bouncy Castle and the JDK; nothing is home-made.
 */
package dev.secureconnect.crypto;

/**
 * The engineer's state directory: {@code $SECURECONNECT_HOME}, else {@code ~/.secureconnect} (mode 0700), holding
 * {@code session.json} (the login session, 0600) and {@code tokens/SERIAL.jwe} (access tokens under the engineer's
 * passphrase, 0600).
 */
package dev.secureconnect.engineer.state;

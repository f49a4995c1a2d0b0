/** What the server's listeners share: mutual TLS for one certificate role, with every refused handshake audited. */
package dev.secureconnect.server.listener;

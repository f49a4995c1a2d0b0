/** What the server's listeners share: mutual TLS for the certificate roles each accepts, with every refused handshake audited. */
package dev.secureconnect.server.listener;

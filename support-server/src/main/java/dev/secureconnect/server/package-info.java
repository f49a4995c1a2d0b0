/** SecureConnect support-server. */
package dev.secureconnect.server;

/** SecureConnect tunnel-protocol. */
package dev.secureconnect.tunnel;

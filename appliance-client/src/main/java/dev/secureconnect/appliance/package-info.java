/**
 * {@code sc-appliance}: the SecureConnect agent on a customer's appliance and its admin command line.
 *
 * <ul>
 *   <li>{@link dev.secureconnect.appliance.config} — the appliance directory, {@code appliance.json}, enrolment
 *       ({@code init}) and the persisted on/off switch and tickets;</li>
 *   <li>{@link dev.secureconnect.appliance.link} — the outbound mutual-TLS link to the support server: reconnects
 *       with back-off, hello and admission, the stream policy (loopback, allow-listed, admitted ticket; deny
 *       otherwise) and the relays to local services;</li>
 *   <li>{@link dev.secureconnect.appliance.access} — the pinned token key, the pushed revocations and the check every
 *       engineer session request passes first (token, engineer certificate, ticket);</li>
 *   <li>{@link dev.secureconnect.appliance.exec} — the command catalogue and the rules for engineers' arguments;</li>
 *   <li>{@link dev.secureconnect.appliance.files} — the folders support may read or write and the path decisions;</li>
 *   <li>{@link dev.secureconnect.appliance.audit} — the appliance's own hash-chained audit log;</li>
 *   <li>{@link dev.secureconnect.appliance.admin} — the daemon's admin socket ({@code DIR/run/admin.sock}) and its
 *       client;</li>
 *   <li>{@link dev.secureconnect.appliance.daemon} — the daemon that wires them together;</li>
 *   <li>{@link dev.secureconnect.appliance.cli} — the picocli commands.</li>
 * </ul>
 */
package dev.secureconnect.appliance;

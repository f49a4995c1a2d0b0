/**
 * The appliance's own audit log, {@code DIR/audit.log}: one JSON object per line, append-only and SHA-256
 * hash-chained ({@link dev.secureconnect.crypto.chain.HashChain}), recording every admin action and every link and
 * stream event with the catalogue's stable ids ({@link dev.secureconnect.events.EventType}), so the appliance's
 * admin can see what support did and {@code sc-appliance audit verify} finds an edited, removed or reordered line.
 */
package dev.secureconnect.appliance.audit;

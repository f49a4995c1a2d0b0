/**
 * The appliance directory: {@code appliance.json} (the admin's configuration, every key with a default but
 * {@code server}), {@code state.json} (the on/off switch and the connected tickets, written by the daemon), the TLS
 * files copied in by {@code init} ({@link dev.secureconnect.appliance.config.Enrolment}), {@code audit.log} and
 * {@code run/} (the daemon's admin socket).
 */
package dev.secureconnect.appliance.config;

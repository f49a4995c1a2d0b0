/**
 * The {@code sc-appliance} commands (picocli). Exit codes: 0 done, 1 refused or failed (one line on standard error
 * says why, prefixed {@code sc-appliance:}), 2 usage error. {@code enable}, {@code disable}, {@code connect},
 * {@code disconnect} and {@code status} talk to the daemon over its admin socket; {@code init}, {@code services} and
 * {@code audit} work on the directory's files (under their locks) whether or not the daemon runs, and
 * {@code services add/remove} then tell a running daemon to reload.
 */
package dev.secureconnect.appliance.cli;

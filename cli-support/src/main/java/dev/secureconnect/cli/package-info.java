/**
 * What the four sc-* command lines share: running a command line ({@link dev.secureconnect.cli.ToolCommandLine}: one
 * error handler, {@code --debug}, unknown subcommands refused), logging defaults, the version, aligned tables,
 * {@code --json} output and one-line text.
 */
package dev.secureconnect.cli;

package dev.secureconnect.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --debug}, on every command of an sc-* tool: an unexpected failure prints its stack trace too. */
public final class DebugOption {

    public static final String NAME = "--debug";

    @Option(names = NAME, scope = ScopeType.INHERIT, description = "Print the stack trace of an unexpected failure.")
    boolean debug;
}

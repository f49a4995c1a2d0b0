package dev.secureconnect.engineer;

import dev.secureconnect.engineer.cli.Cli;

/** {@code sc-engineer}: the entry point of {@code bin/sc-engineer}; see {@link Cli}. */
public final class ScEngineer {

    private ScEngineer() {}

    public static void main(String[] args) {
        System.exit(Cli.main(args));
    }
}

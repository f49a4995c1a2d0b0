package dev.secureconnect.appliance;

import dev.secureconnect.appliance.cli.Cli;

/** {@code sc-appliance}: the entry point of {@code bin/sc-appliance}; see {@link Cli}. */
public final class ScAppliance {

    private ScAppliance() {}

    public static void main(String[] args) {
        System.exit(Cli.main(args));
    }
}

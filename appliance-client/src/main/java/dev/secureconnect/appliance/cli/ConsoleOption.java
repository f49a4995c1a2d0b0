package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --console off|PORT|ADDR:PORT}: where the admin's web console of a new appliance directory listens
 * ({@code init} and {@code enrol}); without it, appliance.json keeps its default (127.0.0.1:8765).
 */
final class ConsoleOption {

    @Option(
            names = "--console",
            paramLabel = "off|PORT|ADDR:PORT",
            converter = Converters.ConsoleListener.class,
            description = "The admin's web console: off, or where it listens (default: 127.0.0.1:8765; a"
                    + " non-loopback address needs console.certificate and console.key in appliance.json).")
    ApplianceConfig.@Nullable Console webConsole;

    /** Writes the chosen console into {@code dir}'s appliance.json; nothing when the option was not given. */
    void applyTo(Path dir) {
        ApplianceConfig.Console chosen = webConsole;
        if (chosen != null) {
            ApplianceDirectory.open(dir).updateConfig(config -> config.withConsole(chosen));
        }
    }
}

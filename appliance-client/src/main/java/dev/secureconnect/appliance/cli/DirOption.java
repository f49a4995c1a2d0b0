package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dir DIR}: the appliance directory. */
final class DirOption {

    @Option(
            names = "--dir",
            required = true,
            paramLabel = "DIR",
            description = "The appliance directory (set up by 'init').")
    Path dir;

    ApplianceDirectory open() {
        return ApplianceDirectory.open(dir);
    }
}

package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --dir DIR}: the appliance directory; without it, cli-support's {@code InstanceDirectory} ({@code $SC_DIR},
 * else {@code /var/lib/secureconnect/appliance}).
 */
final class DirOption {

    @Option(
            names = "--dir",
            required = true,
            paramLabel = "DIR",
            description = "The appliance directory (set up by 'init'); default: $SC_DIR, else"
                    + " /var/lib/secureconnect/appliance.")
    Path dir;

    ApplianceDirectory open() {
        return ApplianceDirectory.open(dir);
    }
}

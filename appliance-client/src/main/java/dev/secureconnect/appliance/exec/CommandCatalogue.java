package dev.secureconnect.appliance.exec;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code DIR/commands.json}: {@code {"commands": [CommandEntry, …]}}, names unique. Read under the directory's lock
 * on every exec request, so a change applies to the next one without a daemon reload.
 */
public record CommandCatalogue(List<CommandEntry> commands) {

    public static final int MAX_COMMANDS = 128;
    public static final CommandCatalogue EMPTY = new CommandCatalogue(List.of());

    public CommandCatalogue {
        commands = commands == null ? List.of() : List.copyOf(commands);
        if (commands.size() > MAX_COMMANDS) {
            throw new ApplianceException(
                    "commands: " + commands.size() + " entries (expected: at most " + MAX_COMMANDS + ")");
        }
        Set<String> names = new HashSet<>();
        for (CommandEntry entry : commands) {
            if (!names.add(entry.name())) {
                throw new ApplianceException("commands: the name '" + entry.name() + "' appears twice");
            }
        }
    }

    public static CommandCatalogue read(ApplianceDirectory directory) {
        return directory.readDocument(directory.commandsFile(), CommandCatalogue.class, EMPTY);
    }

    public Optional<CommandEntry> find(String name) {
        return commands.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** This catalogue with {@code entry} added; refused when its name is taken. */
    public CommandCatalogue with(CommandEntry entry) {
        if (find(entry.name()).isPresent()) {
            throw new ApplianceException(
                    "a command named '" + entry.name() + "' is already in the catalogue: remove it" + " first");
        }
        List<CommandEntry> changed = new ArrayList<>(commands);
        changed.add(entry);
        return new CommandCatalogue(changed);
    }

    /** This catalogue without command {@code name}; refused when there is none. */
    public CommandCatalogue without(String name) {
        CommandEntry entry = find(name)
                .orElseThrow(() -> new ApplianceException("no command named '" + name + "' is in the catalogue"));
        List<CommandEntry> changed = new ArrayList<>(commands);
        changed.remove(entry);
        return new CommandCatalogue(changed);
    }
}

package dev.secureconnect.appliance.exec;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.events.EventType;

/**
 * Adds and removes commands in {@code DIR/commands.json} under the directory's lock, audited, with the same checks
 * whoever asks ({@code sc-appliance commands}, the console). The daemon reads the catalogue on every exec request, so
 * no reload is needed.
 */
public final class AllowedCommands {

    private AllowedCommands() {}

    /** Adds {@code entry} (made with {@link CommandEntry#resolve}); refused when its name is taken. */
    public static CommandEntry add(
            ApplianceDirectory directory, ApplianceAuditLog audit, String actor, CommandEntry entry) {
        directory.updateDocument(
                directory.commandsFile(), CommandCatalogue.class, CommandCatalogue.EMPTY, catalogue -> {
                    CommandCatalogue changed = catalogue.with(entry);
                    audit.append(ApplianceAuditEvent.of(EventType.COMMAND_ALLOWED, actor)
                            .target(entry.name())
                            .reason(entry.describe())
                            .detail("name", entry.name())
                            .detail("argv", entry.argv())
                            .detail("timeout", Durations.format(entry.timeout()))
                            .detail("maxOutputBytes", entry.maxOutputBytes())
                            .detail("allowArgs", entry.allowArgs())
                            .detail("allowOptions", entry.allowOptions())
                            .detail("argPatterns", entry.argPatterns())
                            .build());
                    return changed;
                });
        return entry;
    }

    /** Removes the command named {@code name}; refused when there is none. A run in progress is not stopped. */
    public static void remove(ApplianceDirectory directory, ApplianceAuditLog audit, String actor, String name) {
        directory.updateDocument(
                directory.commandsFile(), CommandCatalogue.class, CommandCatalogue.EMPTY, catalogue -> {
                    CommandCatalogue changed = catalogue.without(name);
                    audit.append(ApplianceAuditEvent.of(EventType.COMMAND_REMOVED, actor)
                            .target(name)
                            .detail("name", name)
                            .build());
                    return changed;
                });
    }
}

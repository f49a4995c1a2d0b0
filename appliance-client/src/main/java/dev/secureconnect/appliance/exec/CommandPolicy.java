package dev.secureconnect.appliance.exec;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.events.EventType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The exec step of the session authorisation: a command runs only when it is in this appliance's catalogue
 * ({@code DIR/commands.json}, read afresh for each request) and its arguments pass {@link CommandArguments}. A refusal
 * is audited as {@code command.refused} (details {@code name}, {@code args}); reason codes: {@code bad-arguments},
 * {@code no-catalogue} (403), {@code unknown-command} (404), {@code arguments-refused} (403).
 */
public final class CommandPolicy {

    /** An allowed command and the arguments it is run with. */
    public record Command(CommandEntry entry, List<String> args) {
        public Command {
            args = List.copyOf(args);
        }
    }

    private CommandPolicy() {}

    /**
     * @param name the command named ({@code sc-command})
     * @param argsHeader {@code sc-args}, or null
     */
    public static AccessVerdict<Command> decide(
            ApplianceDirectory directory, String name, @Nullable String argsHeader) {
        List<String> args;
        try {
            args = CommandArguments.parse(argsHeader);
        } catch (ApplianceException e) {
            return refuse(name, List.of(), 403, "bad-arguments", String.valueOf(e.getMessage()));
        }
        Optional<CommandEntry> command;
        try {
            command = CommandCatalogue.read(directory).find(name);
        } catch (ApplianceException e) {
            return refuse(name, args, 403, "no-catalogue", "the command catalogue cannot be read: " + e.getMessage());
        }
        if (command.isEmpty()) {
            return refuse(
                    name,
                    args,
                    404,
                    "unknown-command",
                    name.isEmpty()
                            ? "no command was named (sc-command)"
                            : "no command named '" + name + "' is in this appliance's catalogue");
        }
        String refusal = CommandArguments.refusal(command.get(), args);
        if (refusal != null) {
            return refuse(name, args, 403, "arguments-refused", refusal);
        }
        return AccessVerdict.allow(new Command(command.get(), args));
    }

    private static AccessVerdict<Command> refuse(
            String name, List<String> args, int status, String code, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("args", args);
        return AccessVerdict.<Command>deny(status, code, reason).audited(EventType.COMMAND_REFUSED, details);
    }
}

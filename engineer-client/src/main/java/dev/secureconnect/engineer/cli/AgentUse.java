package dev.secureconnect.engineer.cli;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Whether the commands that reach an appliance or the API (proxy, forward, exec, get, put, appliances, sessions) use
 * the engineer agent: {@code SC_ENGINEER_AGENT} = {@code auto} (the default: the running agent, started in the
 * background by the first such command when none runs), {@code manual} (the running agent only; {@code sc-engineer
 * agent start} starts it) or {@code off} (never: each command makes its own connection). Any other value is taken as
 * {@code manual}: nothing is started that was not asked for.
 */
enum AgentUse {
    ON_DEMAND,
    WHEN_RUNNING,
    OFF;

    /** The variable's value, unset or empty meaning {@code auto}. */
    static AgentUse parse(@Nullable String value) {
        String name = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "", "auto" -> ON_DEMAND;
            case "off" -> OFF;
            default -> WHEN_RUNNING;
        };
    }
}

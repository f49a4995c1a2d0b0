package dev.secureconnect.appliance.callhome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.config.CallHomeConfig;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.exec.CommandEntry;
import dev.secureconnect.appliance.exec.CommandProcess;
import dev.secureconnect.crypto.text.OneLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs the admin's health checks: each a command of the catalogue, run the way every catalogue command runs
 * ({@link CommandProcess}) with the check's own time-out and output cap (the smaller of the check's and the command's),
 * one after the other on the collecting thread.
 */
final class HealthChecks {

    private HealthChecks() {}

    /**
     * One check's result.
     *
     * @param healthy whether it exited with the expected status in time
     * @param exitStatus its exit status, null when it did not run or was killed
     * @param output its output (redacted, at most the check's {@code maxOutputBytes})
     * @param error why it did not run or was killed, else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({
        "name",
        "command",
        "healthy",
        "exitStatus",
        "expectExit",
        "timedOut",
        "truncated",
        "durationMs",
        "output",
        "error"
    })
    record Result(
            String name,
            String command,
            boolean healthy,
            @Nullable Integer exitStatus,
            int expectExit,
            boolean timedOut,
            boolean truncated,
            long durationMs,
            @Nullable String output,
            @Nullable String error) {}

    static List<Result> run(
            List<CallHomeConfig.HealthCheck> checks,
            CommandCatalogue catalogue,
            Redaction redaction,
            Redaction.Counts counts)
            throws InterruptedException {
        List<Result> results = new ArrayList<>();
        for (CallHomeConfig.HealthCheck check : checks) {
            results.add(runOne(check, catalogue.find(check.command()), redaction, counts));
        }
        return results;
    }

    private static Result runOne(
            CallHomeConfig.HealthCheck check,
            Optional<CommandEntry> command,
            Redaction redaction,
            Redaction.Counts counts)
            throws InterruptedException {
        if (command.isEmpty()) {
            return failed(check, 0, "no command named '" + check.command() + "' is in the catalogue (commands.json)");
        }
        CommandEntry entry = command.get();
        java.time.Duration timeout = entry.timeout().compareTo(check.timeout()) < 0 ? entry.timeout() : check.timeout();
        int maxOutput = (int) Math.min(entry.maxOutputBytes(), check.maxOutputBytes());
        CommandProcess.Outcome outcome;
        try {
            outcome = CommandProcess.runBounded(entry.argv(), timeout, maxOutput);
        } catch (RuntimeException e) {
            return failed(check, 0, "cannot start " + entry.argv().get(0) + ": " + OneLine.of(e.getMessage()));
        }
        String output = redaction.apply(LogTails.printable(outcome.output()), counts);
        String error = outcome.timedOut()
                ? "killed after its time-out of " + timeout.toMillis() + " ms"
                : outcome.truncated() ? "killed: its output exceeded " + maxOutput + " bytes" : null;
        boolean healthy = error == null && outcome.exitStatus() == check.expectExit();
        return new Result(
                check.name(),
                check.command(),
                healthy,
                outcome.exitStatus() < 0 ? null : outcome.exitStatus(),
                check.expectExit(),
                outcome.timedOut(),
                outcome.truncated(),
                outcome.took().toMillis(),
                output,
                error);
    }

    private static Result failed(CallHomeConfig.HealthCheck check, long durationMs, String why) {
        return new Result(
                check.name(), check.command(), false, null, check.expectExit(), false, false, durationMs, null, why);
    }
}

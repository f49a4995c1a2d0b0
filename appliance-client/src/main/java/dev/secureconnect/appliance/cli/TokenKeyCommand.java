package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.access.TokenKeys;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.events.EventType;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "token-key",
        description = "Pins (or replaces) the support server's public token key set, which every"
                + " access token must be signed with: the file 'sc-server token-key --out FILE' writes. Without it every"
                + " support session is refused.")
final class TokenKeyCommand implements Callable<Integer> {

    private final Console console;

    @Mixin
    DirOption dir;

    @Option(
            names = "--file",
            required = true,
            paramLabel = "FILE",
            description = "The public JWK Set (EC P-256 keys only;" + " a file holding a private key is refused).")
    Path file;

    TokenKeyCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        ApplianceDirectory directory = dir.open();
        boolean replacing = TokenKeys.pinned(directory);
        Set<String> keyIds = pin(directory, file, console);
        console.out()
                .println(
                        "token key " + String.join(", ", keyIds) + (replacing ? " replaces the pinned key" : " pinned")
                                + ": support sessions need tokens signed with it (applies to the next request, no restart needed)");
        return 0;
    }

    /** Pins the key set in {@code file} and audits it; returns its key ids. */
    static Set<String> pin(ApplianceDirectory directory, Path file, Console console) {
        Set<String> keyIds = TokenKeys.pin(directory, file);
        new ApplianceAuditLog(directory, console.clock())
                .append(ApplianceAuditEvent.of(EventType.TOKEN_KEY_PINNED, console.user())
                        .target("token-key")
                        .reason("token key pinned: " + String.join(", ", keyIds))
                        .detail("keyIds", java.util.List.copyOf(keyIds))
                        .build());
        return keyIds;
    }
}

package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.tokens.StoredToken;
import dev.secureconnect.server.tokens.TokenStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tokens",
        description = "Lists and revokes the access tokens issued to engineers.",
        subcommands = {TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list or revoke");
    }

    static TokenStore store(Database database, ServerDir server) {
        return new TokenStore(database, server.audit(database), Clock.systemUTC());
    }

    @Command(name = "list", description = "Lists the active access tokens (neither revoked nor expired), newest first.")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--all", description = "Also the revoked and expired ones.")
        boolean all;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<StoredToken> tokens;
            try (Database database = server.database()) {
                tokens = store(database, server).list(all);
            }
            Instant now = Instant.now();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(
                        out,
                        Mappers.json(),
                        tokens.stream().map(token -> row(token, now)).toList());
                return 0;
            }
            TextTable table = new TextTable("ID", "STATUS", "ENGINEER", "APPLIANCE", "TICKET", "EXPIRES", "REASON");
            for (StoredToken token : tokens) {
                table.row(
                        token.id(),
                        token.status(now),
                        token.engineer(),
                        token.appliance(),
                        token.ticket(),
                        token.expiresAt(),
                        token.reason() == null ? "" : token.reason());
            }
            table.print(out);
            return 0;
        }
    }

    @Command(
            name = "revoke",
            description = "Revokes an access token: the server refuses it from now on, resets its"
                    + " open streams and tells the appliances (within about a second).")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "ID", description = "The token's id, as 'tokens list' shows it.")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
        String reason;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            StoredToken revoked;
            try (Database database = server.database()) {
                revoked = store(database, server).revoke(id, ServerDir.actor(), reason);
            }
            spec.commandLine()
                    .getOut()
                    .println("revoked access token " + revoked.id() + " of engineer " + revoked.engineer()
                            + " for appliance " + revoked.appliance());
            return 0;
        }
    }

    static Map<String, Object> row(StoredToken token, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", token.id().toString());
        row.put("status", token.status(now));
        row.put("engineer", token.engineer());
        row.put("appliance", token.appliance());
        row.put("ticket", token.ticket());
        row.put("issuedAt", token.issuedAt().toString());
        row.put("expiresAt", token.expiresAt().toString());
        row.put("reason", token.reason());
        row.put(
                "revokedAt",
                token.revokedAt() == null ? null : token.revokedAt().toString());
        row.put("revokedBy", token.revokedBy());
        row.put("revokeReason", token.revokeReason());
        return row;
    }
}

package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.blocks.BlockStore;
import dev.secureconnect.server.blocks.SourceBlock;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "blocks",
        description = "Lists and lifts the blocks of source addresses (blocked for a while after"
                + " repeated failed handshakes, refused access tokens or wrong TOTP codes).",
        subcommands = {BlocksCommand.ListBlocks.class, BlocksCommand.Remove.class})
final class BlocksCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list or remove");
    }

    static BlockStore store(Database database, ServerDir server) {
        return new BlockStore(database, server.audit(database), Clock.systemUTC());
    }

    @Command(name = "list", description = "Lists the source addresses blocked now, oldest block first.")
    static final class ListBlocks implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<SourceBlock> blocks;
            try (Database database = server.database()) {
                blocks = store(database, server).active();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(
                        out,
                        Mappers.json(),
                        blocks.stream().map(BlocksCommand::row).toList());
                return 0;
            }
            TextTable table = new TextTable("SOURCE", "REASON", "FAILURES", "BLOCKED", "UNTIL");
            for (SourceBlock block : blocks) {
                table.row(block.source(), block.reason(), block.failures(), block.blockedAt(), block.until());
            }
            table.print(out);
            return 0;
        }
    }

    @Command(
            name = "remove",
            description = "Lifts the block of a source address: the running server accepts its"
                    + " connections again within about a second.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "ADDRESS", description = "The blocked address, as 'blocks list' shows it.")
        String source;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
        String reason;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (reason != null && (reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl))) {
                throw new CliException("--reason must be one line of at most 200 characters");
            }
            String address;
            try {
                address = SourceBlock.canonical(source);
            } catch (IllegalArgumentException e) {
                throw new CliException(String.valueOf(e.getMessage()));
            }
            Optional<SourceBlock> lifted;
            try (Database database = server.database()) {
                lifted = store(database, server)
                        .remove(
                                address,
                                ServerDir.actor(),
                                reason == null || reason.isBlank() ? "lifted by the operator" : reason.strip());
            }
            if (lifted.isEmpty()) {
                throw new CliException("'" + source.strip() + "' is not blocked (see 'sc-server blocks list')");
            }
            spec.commandLine()
                    .getOut()
                    .println("lifted the block of " + lifted.get().source());
            return 0;
        }
    }

    static Map<String, Object> row(SourceBlock block) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("source", block.source());
        row.put("reason", block.reason());
        row.put("failures", block.failures());
        row.put("blockedAt", block.blockedAt().toString());
        row.put("until", block.until().toString());
        return row;
    }
}

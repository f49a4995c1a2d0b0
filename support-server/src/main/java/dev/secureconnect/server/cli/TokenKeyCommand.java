package dev.secureconnect.server.cli;

import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.crypto.token.TokenKeySet;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.tokens.TokenKeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "token-key",
        description = "Prints (or writes) the public JWK Set of the token-signing key: what each"
                + " appliance pins with 'sc-appliance token-key --file F'.",
        subcommands = {TokenKeyCommand.Rotate.class})
final class TokenKeyCommand implements Callable<Integer> {

    /** Not a required option here, so that 'token-key rotate --dir DIR' does not need it twice; checked in call. */
    @Option(names = "--dir", paramLabel = "DIR", description = "The server directory (holds server.yaml).")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the JWK Set to FILE instead of printing it.")
    Path out;

    @Option(
            names = "--generate",
            description = "First create the key, for a server directory made before access"
                    + " tokens existed (refused when there is one).")
    boolean generate;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (dir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--dir=DIR'");
        }
        ServerDir server = ServerDir.of(dir);
        server.config(); // a server directory
        TokenSigningKey key = generate ? TokenKeyFile.generate(server.dir) : TokenKeyFile.load(server.dir);
        TokenKeySet set = TokenKeyFile.currentSet(key, TokenKeyFile.loadChain(server.dir));
        String jwkSet = set.toJson();
        if (out == null) {
            spec.commandLine().getOut().println(jwkSet);
        } else {
            Files.writeString(out, jwkSet + "\n", StandardCharsets.UTF_8);
            spec.commandLine()
                    .getOut()
                    .println("wrote the public token key set (kid " + key.keyId() + ", generation " + set.generation()
                            + ") to " + out);
        }
        return 0;
    }

    @Command(
            name = "rotate",
            description = "Makes a new token-signing key: new tokens are signed with it at once, tokens signed by the"
                    + " previous key keep working until they expire (the key then retires), and the new key set,"
                    + " signed by the previous key, reaches every appliance over its link (those offline when they"
                    + " link again).")
    static final class Rotate implements Callable<Integer> {

        @Mixin
        ServerDir server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            server.config(); // a server directory
            Clock clock = Clock.systemUTC();
            TokenKeyFile.Rotation rotation = TokenKeyFile.rotation(server.dir, clock.instant());
            try (Database database = server.database()) {
                // the record first: the files are written only in its transaction, so no rotation goes unrecorded
                server.audit(database).inTransaction(transaction -> {
                    var record = transaction.append(ServerAuditEvent.builder(EventType.TOKEN_KEY_ROTATED)
                            .actor(ServerDir.actor())
                            .detail("keyId", rotation.next().keyId())
                            .detail("previousKeyId", rotation.previous().keyId())
                            .detail("generation", rotation.set().generation())
                            .detail("keyIds", String.join(",", rotation.set().keyIds()))
                            .detail("retireAt", rotation.retireAt().toString())
                            .build());
                    rotation.write(server.dir);
                    return record;
                });
            }
            spec.commandLine()
                    .getOut()
                    .println("token key rotated: new tokens are signed with kid "
                            + rotation.next().keyId()
                            + " (set generation " + rotation.set().generation() + "); kid "
                            + rotation.previous().keyId() + " verifies the tokens it signed until "
                            + rotation.retireAt() + "; a running server sends the set to every linked appliance"
                            + " within a second, the others get it when they link again (up to "
                            + TokenKeyChain.MAX_LINKS + " rotations behind)");
            return 0;
        }
    }
}

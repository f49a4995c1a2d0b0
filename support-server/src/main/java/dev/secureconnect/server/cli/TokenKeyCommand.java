package dev.secureconnect.server.cli;

import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.server.tokens.TokenKeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "token-key",
        description = "Prints (or writes) the public JWK Set of the token-signing key: what each"
                + " appliance pins with 'sc-appliance token-key --file F'.")
final class TokenKeyCommand implements Callable<Integer> {

    @Mixin
    ServerDir server;

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
        server.config(); // a server directory
        TokenSigningKey key = generate ? TokenKeyFile.generate(server.dir) : TokenKeyFile.load(server.dir);
        String jwkSet = key.publicJwkSet();
        if (out == null) {
            spec.commandLine().getOut().println(jwkSet);
        } else {
            Files.writeString(out, jwkSet + "\n", StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote the public token key set (kid " + key.keyId() + ") to " + out);
        }
        return 0;
    }
}

package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenVault;
import dev.secureconnect.engineer.EngineerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** {@code --token-passphrase-file FILE} and loading the stored token of an appliance with it. */
final class TokenOption {

    @Option(names = "--token-passphrase-file", paramLabel = "FILE",
            description = "Read the token passphrase from the first line of FILE instead of asking for it.")
    Path passphraseFile;

    /**
     * The token stored for {@code serial}, opened with the passphrase.
     *
     * An expired token, or one for another appliance, is returned all the same: the server refuses it with its
     * reason and audits the attempt.
     *
     * @throws EngineerException (or the vault's exception) with a one-line reason: no token, wrong passphrase,
     *     altered file
     */
    SignedAccessToken load(Console console, String serial) {
        Path file = console.engineerHome().tokenFile(serial);
        if (!Files.exists(file)) {
            throw new EngineerException("no access token for " + serial + " (" + file + "): run sc-engineer access "
                    + serial + " --ticket NUMBER first");
        }
        char[] passphrase = Passphrases.tokenToOpen(passphraseFile, console.prompter());
        SignedAccessToken token;
        try {
            token = new TokenVault().load(file, passphrase);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        return token;
    }
}

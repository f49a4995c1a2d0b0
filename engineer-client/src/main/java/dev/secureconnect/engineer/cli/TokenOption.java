package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenVault;
import dev.secureconnect.crypto.token.TokenVaultException;
import dev.secureconnect.engineer.EngineerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code --token-passphrase-file FILE} and loading the stored token of an appliance with it. */
final class TokenOption {

    private static final Logger LOG = LoggerFactory.getLogger(TokenOption.class);

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
        } catch (TokenVaultException e) {
            if (e.problem() == TokenVaultException.Problem.WRONG_PASSPHRASE) {
                reportUnlockFailure(console, serial);
            }
            throw e;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        return token;
    }

    /**
     * Tells the server that the token for {@code serial} could not be opened, for its audit log: the token never
     * leaves this laptop then, so the server would otherwise not know that someone is guessing at it. Best effort: a
     * report that cannot be made (no session, server down) is logged at debug level, and the engineer sees only the
     * one-line refusal.
     */
    private static void reportUnlockFailure(Console console, String serial) {
        try (LoggedIn loggedIn = LoggedIn.open(console)) {
            Api.call(loggedIn, "POST", AccessCommand.PATH + "/unlock-failed", Map.of("appliance", serial));
        } catch (RuntimeException e) {
            LOG.debug("could not report the failed unlock of the token for {} to the server: {}", serial, e.toString());
        }
    }
}

package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenVault;
import dev.secureconnect.crypto.token.TokenVaultException;
import dev.secureconnect.engineer.EngineerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code --token-passphrase-file FILE} and loading the stored token of an appliance with it. */
final class TokenOption {

    private static final Logger LOG = LoggerFactory.getLogger(TokenOption.class);

    @Option(
            names = "--token-passphrase-file",
            paramLabel = "FILE",
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
        Path file = storedToken(console, serial);
        return open(console, serial, file, Passphrases.tokenToOpen(passphraseFile, console.prompter()));
    }

    /**
     * Starts opening the token stored for {@code serial}: the passphrase is read (or asked for) now, on this thread,
     * and the key derivation (PBKDF2, {@value TokenVault#DEFAULT_ITERATIONS} iterations, the longest step of a
     * command's start) runs on a thread of its own, so that it overlaps the connection to the server.
     *
     * @throws EngineerException at once when there is no token for {@code serial}
     */
    Loading startLoading(Console console, String serial) {
        Path file = storedToken(console, serial);
        char[] passphrase = Passphrases.tokenToOpen(passphraseFile, console.prompter());
        return new Loading(CompletableFuture.supplyAsync(() -> open(console, serial, file, passphrase), task -> {
            Thread opener = new Thread(task, "sc-engineer-token");
            opener.setDaemon(true);
            opener.start();
        }));
    }

    /** The file of the token stored for {@code serial}; an {@link EngineerException} when there is none. */
    private static Path storedToken(Console console, String serial) {
        Path file = console.engineerHome().tokenFile(serial);
        if (!Files.exists(file)) {
            throw new EngineerException("no access token for " + serial + " (" + file + "): run sc-engineer access "
                    + serial + " --ticket NUMBER first");
        }
        return file;
    }

    /** A token being opened ({@link #startLoading}). */
    record Loading(CompletableFuture<SignedAccessToken> opened) {

        /**
         * Waits for the token.
         *
         * @throws EngineerException (or the vault's exception) with a one-line reason: wrong passphrase, altered file
         */
        SignedAccessToken token() {
            try {
                return opened.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }
    }

    private static SignedAccessToken open(Console console, String serial, Path file, char[] passphrase) {
        try {
            return new TokenVault().load(file, passphrase);
        } catch (TokenVaultException e) {
            if (e.problem() == TokenVaultException.Problem.WRONG_PASSPHRASE) {
                reportUnlockFailure(console, serial);
            }
            throw e;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
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

package dev.secureconnect.pki;

import dev.secureconnect.pki.ca.PkiException;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a command reads from and writes to outside its arguments: the environment, the interactive console
 * (absent when not on a terminal), standard output and error, and the clock. Tests pass their own.
 */
public record Terminal(
        Map<String, String> env, @Nullable Console console, PrintWriter out, PrintWriter err, Clock clock) {

    public Terminal {
        env = Map.copyOf(env);
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(clock, "clock");
    }

    public static Terminal system() {
        return new Terminal(
                System.getenv(),
                System.console(),
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                Clock.systemUTC());
    }

    /**
     * Reads a secret the same way for every command: from {@code file} if given (its first line), else from the
     * environment variable {@code envName} (if not null), else from a prompt on the terminal.
     *
     * @param what names the secret in prompts and errors, e.g. "CA passphrase"
     * @param fileOption the option that names the file, for the error message
     * @param confirm ask twice when prompting (for a new secret)
     */
    public char[] secret(
            String what, Path file, String fileOption, String envName, boolean confirm, int minimumLength) {
        char[] secret;
        if (file != null) {
            secret = readFirstLine(file, what);
        } else if (envName != null
                && env.get(envName) != null
                && !env.get(envName).isEmpty()) {
            secret = env.get(envName).toCharArray();
        } else if (console != null) {
            secret = prompt(what, confirm);
        } else {
            throw new PkiException("no " + what + " given and no terminal to ask on: use " + fileOption + " FILE"
                    + (envName == null ? "" : " or set " + envName));
        }
        if (secret.length < minimumLength) {
            Arrays.fill(secret, '\0');
            throw new PkiException(what + " is too short: use at least " + minimumLength + " characters");
        }
        return secret;
    }

    private char[] prompt(String what, boolean confirm) {
        char[] first = java.util.Objects.requireNonNull(console, "console").readPassword("%s: ", what);
        if (first == null) {
            throw new PkiException("no " + what + " entered");
        }
        if (confirm) {
            char[] second = console.readPassword("%s (again): ", what);
            boolean same = Arrays.equals(first, second);
            if (second != null) {
                Arrays.fill(second, '\0');
            }
            if (!same) {
                Arrays.fill(first, '\0');
                throw new PkiException("the two " + what + " entries differ: nothing was changed");
            }
        }
        return first;
    }

    private static char[] readFirstLine(Path file, String what) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new PkiException(file + " is empty: it must hold the " + what + " on its first line");
            }
            return line.toCharArray();
        } catch (NoSuchFileException e) {
            throw new PkiException(what + " file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new PkiException(what + " file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The operating-system user and host running the command, as the issuance log records it. */
    public String actor() {
        String user = env.getOrDefault("USER", System.getProperty("user.name", "unknown"));
        String host = env.get("HOSTNAME");
        if (host == null) {
            try {
                host = Files.readString(Path.of("/etc/hostname")).strip();
            } catch (IOException e) {
                host = "unknown-host";
            }
        }
        return user + "@" + host;
    }

    @Override
    public String toString() {
        return "Terminal[console=" + (console != null) + "]";
    }
}

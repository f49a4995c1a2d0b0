package dev.secureconnect.engineer.cli;

import dev.secureconnect.engineer.EngineerException;
import java.io.Console;

/** Asks the person at the terminal for a secret, without echo. Tests pass their own. */
@FunctionalInterface
public interface Prompter {

    /**
     * @param prompt what to ask, e.g. {@code "Token passphrase: "}
     * @param alternative how to give it without being asked, for the message when there is no terminal
     * @return what was typed (the caller wipes it)
     * @throws EngineerException when there is no terminal to ask on
     */
    char[] secret(String prompt, String alternative);

    /** Asks on {@link System#console()}; without a terminal, fails naming {@code alternative}. */
    static Prompter system() {
        return (prompt, alternative) -> {
            Console console = System.console();
            if (console == null) {
                throw new EngineerException("there is no terminal to ask for it ("
                        + prompt.replace(": ", "").strip() + "): " + alternative);
            }
            char[] typed = console.readPassword("%s", prompt);
            if (typed == null) {
                throw new EngineerException(
                        "nothing was typed (" + prompt.replace(": ", "").strip() + ")");
            }
            return typed;
        };
    }
}

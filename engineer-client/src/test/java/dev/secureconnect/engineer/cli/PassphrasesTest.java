package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.engineer.EngineerException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passphrases from files (first line) and from the terminal (twice when a token is stored). */
class PassphrasesTest {

    @TempDir
    Path dir;

    @Test
    void readsTheFirstLineOnly() throws Exception {
        assertThat(Passphrases.fromFile(write("one two  \nsecond line\n"), "token passphrase"))
                .isEqualTo("one two  ".toCharArray());
        assertThat(Passphrases.fromFile(write("crlf line\r\nnext"), "x")).isEqualTo("crlf line".toCharArray());
        assertThat(Passphrases.fromFile(write("no newline"), "x")).isEqualTo("no newline".toCharArray());
        assertThat(Passphrases.fromFile(write("ünïcödé pass\n"), "x")).isEqualTo("ünïcödé pass".toCharArray());
        assertThat(Passphrases.fromFile(write(""), "x")).isEmpty();
    }

    @Test
    void refusesMissingLongAndBinaryFiles() throws Exception {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> Passphrases.fromFile(missing, "token passphrase"))
                .isInstanceOf(EngineerException.class)
                .hasMessage("the token passphrase file " + missing + " does not exist");
        Path big = write("x".repeat(5000));
        assertThatThrownBy(() -> Passphrases.fromFile(big, "token passphrase"))
                .hasMessageContaining("is longer than 4096 bytes");
        Path binary = dir.resolve("binary");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 'a'});
        assertThatThrownBy(() -> Passphrases.fromFile(binary, "token passphrase"))
                .hasMessageEndingWith("is not UTF-8 text");
    }

    @Test
    void aStoredTokensPassphraseIsLongEnough() throws Exception {
        assertThat(Passphrases.tokenToStore(write("12345678\n"), null)).hasSize(8);
        Path shortOne = write("1234567\n");
        assertThatThrownBy(() -> Passphrases.tokenToStore(shortOne, null))
                .hasMessage("the token passphrase must have at least 8 characters");
    }

    @Test
    void asksTwiceOnTheTerminalAndTheTwoMustMatch() {
        assertThat(Passphrases.tokenToStore(null, scripted("long enough", "long enough")))
                .isEqualTo("long enough".toCharArray());
        assertThatThrownBy(() -> Passphrases.tokenToStore(null, scripted("long enough", "long enougH")))
                .hasMessage("the two token passphrases differ: nothing was asked for");
        assertThat(Passphrases.tokenToOpen(null, scripted("anything"))).isEqualTo("anything".toCharArray());
        assertThatThrownBy(() -> Passphrases.tokenToOpen(null, (prompt, alternative) -> {
                    throw new EngineerException("no terminal: " + alternative);
                }))
                .hasMessage("no terminal: give it with --token-passphrase-file FILE");
    }

    private Path write(String content) throws Exception {
        Path file = Files.createTempFile(dir, "pass", ".txt");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static Prompter scripted(String... answers) {
        Deque<String> queue = new ArrayDeque<>(List.of(answers));
        return (prompt, alternative) -> queue.removeFirst().toCharArray();
    }
}

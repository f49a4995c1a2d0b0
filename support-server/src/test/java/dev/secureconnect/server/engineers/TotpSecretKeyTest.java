package dev.secureconnect.server.engineers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.totp.TotpSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TotpSecretKeyTest {

    @TempDir
    Path dir;

    Path keyFile() {
        return dir.resolve("keys/totp.key");
    }

    @Test
    void theKeyFileIsCreatedOnFirstSealOwnerOnlyInAnOwnerOnlyFolder() throws Exception {
        TotpSecretKey key = TotpSecretKey.in(dir);
        assertThat(key.file()).isEqualTo(keyFile());
        assertThat(keyFile()).doesNotExist();

        key.seal(TotpSecret.generate(), "alice");

        assertThat(Files.getPosixFilePermissions(keyFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(keyFile().getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        List<String> lines = Files.readAllLines(keyFile());
        assertThat(lines).hasSize(1);
        assertThat(Base64.getDecoder().decode(lines.get(0))).hasSize(32);
        try (var files = Files.list(keyFile().getParent())) {
            assertThat(files).containsExactly(keyFile()); // no temporary file left behind
        }
        assertThat(key.toString()).isEqualTo("TotpSecretKey[" + keyFile() + "]").doesNotContain(lines.get(0));
        assertThat(key.keyId()).matches("[0-9a-f]{8}");
    }

    @Test
    void aSealedSecretOpensForItsLoginOnlyAndAfterTheKeyIsReadAgain() {
        TotpSecret secret = TotpSecret.generate();
        TotpSecretKey key = TotpSecretKey.in(dir);
        String sealed = key.seal(secret, "alice");

        assertThat(sealed).startsWith("v1:" + key.keyId() + ":").doesNotContain(secret.base32());
        assertThat(key.seal(secret, "alice")).as("a fresh nonce every time").isNotEqualTo(sealed);
        assertThat(key.open(sealed, "alice")).isEqualTo(secret);
        TotpSecretKey reread = TotpSecretKey.in(dir);
        assertThat(reread.keyId()).isEqualTo(key.keyId());
        assertThat(reread.open(sealed, "alice")).isEqualTo(secret);

        assertThatThrownBy(() -> key.open(sealed, "bob"))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith("the TOTP secret of engineer bob does not decrypt with " + keyFile());
    }

    @Test
    void anAlteredSealedSecretDoesNotOpen() {
        TotpSecretKey key = TotpSecretKey.in(dir);
        String sealed = key.seal(TotpSecret.generate(), "alice");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1));
        raw[raw.length / 2] ^= 1;
        String altered = sealed.substring(0, sealed.lastIndexOf(':') + 1)
                + Base64.getEncoder().encodeToString(raw);

        assertThatThrownBy(() -> key.open(altered, "alice"))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("does not decrypt");
        for (String malformed : List.of(
                "",
                "v1:abc",
                "v2:" + key.keyId() + ":AAAA",
                "v1:" + key.keyId() + ":***",
                "v1:" + key.keyId() + ":AAAA")) {
            assertThatThrownBy(() -> key.open(malformed, "alice"))
                    .isInstanceOf(CryptoException.class)
                    .hasMessage("the TOTP secret of engineer alice is not in a format this server reads:"
                            + " run 'sc-server engineers reset-totp alice'");
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(
            strings = {
                "",
                "\n",
                "not base64 at all!",
                "AAAA",
                "c2hvcnQ=",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            })
    void aCorruptedKeyFileIsAOneLineError(String content) throws Exception {
        TotpSecretKey.in(dir).loadOrCreate();
        Files.writeString(keyFile(), content);

        for (Runnable use : List.<Runnable>of(
                () -> TotpSecretKey.in(dir).seal(TotpSecret.generate(), "alice"),
                () -> TotpSecretKey.in(dir).open("v1:00000000:AAAA", "alice"),
                () -> TotpSecretKey.in(dir).loadOrCreate())) {
            assertThatThrownBy(use::run)
                    .isInstanceOf(CryptoException.class)
                    .hasMessage("TOTP key file " + keyFile() + " is corrupted (expected one line of base64 holding"
                            + " 32 bytes): restore it from a backup");
        }
    }

    @Test
    void anOversizedKeyFileIsCorruptedToo() throws Exception {
        TotpSecretKey.in(dir).loadOrCreate();
        Files.writeString(keyFile(), "A".repeat(100_000));
        assertThatThrownBy(() -> TotpSecretKey.in(dir).loadOrCreate()).hasMessageContaining("is corrupted");
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        TotpSecretKey.in(dir).loadOrCreate();
        Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TotpSecretKey.in(dir).loadOrCreate())
                .isInstanceOf(CryptoException.class)
                .hasMessage("TOTP key file " + keyFile() + " is accessible by other users (mode rw-r--r--): chmod 600 "
                        + keyFile());
    }

    @Test
    void openingNeverCreatesTheKeyFile() {
        assertThatThrownBy(() -> TotpSecretKey.in(dir).open("v1:00000000:AAAA", "alice"))
                .isInstanceOf(CryptoException.class)
                .hasMessageStartingWith("TOTP key file " + keyFile() + " is missing");
        assertThat(keyFile()).doesNotExist();
        assertThatThrownBy(() -> TotpSecretKey.in(dir).keyId()).hasMessageContaining("is missing");
    }

    @Test
    void aMissingServerDirectoryIsNamed() {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> TotpSecretKey.in(missing).loadOrCreate())
                .isInstanceOf(CryptoException.class)
                .hasMessage("cannot create TOTP key file " + missing.resolve("keys/totp.key")
                        + ": the server directory " + missing + " does not exist");
    }

    @Test
    void processesCreatingTheKeyAtOnceAllEndUpWithTheSameKey() throws Exception {
        int racers = 8;
        ExecutorService threads = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                ids.add(threads.submit(() -> {
                    start.await();
                    TotpSecretKey key = TotpSecretKey.in(dir);
                    key.loadOrCreate();
                    return key.keyId();
                }));
            }
            start.countDown();
            List<String> seen = new ArrayList<>();
            for (Future<String> id : ids) {
                seen.add(id.get(30, TimeUnit.SECONDS));
            }
            assertThat(seen).containsOnly(TotpSecretKey.in(dir).keyId());
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}

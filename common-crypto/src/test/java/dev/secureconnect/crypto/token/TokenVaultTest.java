package dev.secureconnect.crypto.token;

import static dev.secureconnect.crypto.token.TokenFixtures.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.secureconnect.crypto.token.TokenVaultException.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenVaultTest {

    /** Enough to exercise PBES2; the real default is tested once, in {@link #defaultVaultUses600000Iterations}. */
    private static final int FAST_ITERATIONS = 1_000;

    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    private static TokenFixtures fx;
    private final TokenVault vault = new TokenVault(FAST_ITERATIONS);

    @TempDir
    Path dir;

    @BeforeAll
    static void fixtures() {
        fx = TokenFixtures.shared();
    }

    @Test
    void roundTrip() {
        SignedAccessToken token = fx.token();
        Path file = dir.resolve("tokens/SN-TOKEN-1.jwe");

        vault.store(file, token, PASSPHRASE);
        SignedAccessToken loaded = vault.load(file, PASSPHRASE.clone());

        assertThat(loaded.serialize()).isEqualTo(token.serialize());
        assertThat(loaded.claims()).isEqualTo(token.claims());
    }

    @Test
    void fileIsAPbes2JweReadableByItsOwnerOnly() throws Exception {
        SignedAccessToken token = fx.token();
        Path file = dir.resolve("token.jwe");

        vault.store(file, token, PASSPHRASE);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Map<String, Object> header = JSONObjectUtils.parse(decode(text.substring(0, text.indexOf('.'))));

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(text.strip().split("\\.", -1)).hasSize(5);
        assertThat(header)
                .containsEntry("alg", "PBES2-HS512+A256KW")
                .containsEntry("enc", "A256GCM")
                .containsEntry("cty", "JWT")
                .containsEntry("p2c", (long) FAST_ITERATIONS)
                .containsKey("p2s");
        assertThat(text).doesNotContain(token.serialize().split("\\.")[1]).doesNotContain("token-alice");
    }

    @Test
    void storeReplacesAWorldReadableFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Path file = Files.writeString(dir.resolve("token.jwe"), "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SignedAccessToken token = fx.token();

        vault.store(file, token, PASSPHRASE);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(vault.load(file, PASSPHRASE).serialize()).isEqualTo(token.serialize());
    }

    @Test
    void wrongPassphraseIsAOneLineErrorNamingTheFile() {
        Path file = dir.resolve("token.jwe");
        vault.store(file, fx.token(), PASSPHRASE);

        TokenVaultException wrong = catchThrowableOfType(
                TokenVaultException.class, () -> vault.load(file, "Correct horse battery staple".toCharArray()));
        TokenVaultException empty =
                catchThrowableOfType(TokenVaultException.class, () -> vault.load(file, new char[0]));

        assertThat(wrong.problem()).isEqualTo(Problem.WRONG_PASSPHRASE);
        assertThat(wrong).hasMessage("wrong token passphrase for " + file);
        assertThat(wrong.getMessage()).doesNotContain("horse");
        assertThat(empty.problem()).isEqualTo(Problem.WRONG_PASSPHRASE);
    }

    static Stream<Arguments> corruptions() {
        return Stream.of(
                corrupt("fail/truncated", text -> text.substring(0, text.length() / 2)),
                corrupt("fail/empty", text -> ""),
                corrupt("fail/garbage", text -> "this is not a token vault\n"),
                corrupt("fail/ciphertext-altered", text -> alterPart(text, 3)),
                corrupt("fail/tag-altered", text -> alterPart(text, 4)),
                corrupt("fail/iv-altered", text -> alterPart(text, 2)),
                corrupt("fail/plain-token-instead", text -> fx.token().serialize()),
                corrupt(
                        "fail/other-algorithm",
                        text -> TokenFixtures.base64url("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}")
                                + text.substring(text.indexOf('.'))),
                corrupt(
                        "fail/iteration-count-over-limit",
                        text -> TokenFixtures.base64url(decode(text.substring(0, text.indexOf('.')))
                                        .replace("\"p2c\":1000", "\"p2c\":2000000"))
                                + text.substring(text.indexOf('.'))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void corruptedFileIsAOneLineErrorNamingTheFile(String name, UnaryOperator<String> corruption) throws Exception {
        Path file = dir.resolve("token.jwe");
        vault.store(file, fx.token(), PASSPHRASE);
        Files.writeString(file, corruption.apply(Files.readString(file).strip()), StandardCharsets.US_ASCII);

        TokenVaultException error = catchThrowableOfType(TokenVaultException.class, () -> vault.load(file, PASSPHRASE));

        assertThat(error).as(name).isNotNull();
        assertThat(error.problem()).as(error.getMessage()).isEqualTo(Problem.CORRUPTED);
        assertThat(error.getMessage())
                .startsWith(file + " is not an intact token file")
                .doesNotContain("\n");
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("none.jwe");

        TokenVaultException error = catchThrowableOfType(TokenVaultException.class, () -> vault.load(file, PASSPHRASE));

        assertThat(error.problem()).isEqualTo(Problem.NOT_FOUND);
        assertThat(error).hasMessage("no stored token: " + file + " does not exist");
    }

    @Test
    void shortPassphraseIsRefused() {
        TokenVaultException error = catchThrowableOfType(
                TokenVaultException.class,
                () -> vault.store(dir.resolve("token.jwe"), fx.token(), "short".toCharArray()));

        assertThat(error.problem()).isEqualTo(Problem.WEAK_PASSPHRASE);
        assertThat(error).hasMessage("the token passphrase must have at least 8 characters");
        assertThat(dir.resolve("token.jwe")).doesNotExist();
    }

    @Test
    void passphraseWithNonAsciiCharactersRoundTrips() {
        char[] passphrase = "pässwörd-ünïcødé-€".toCharArray();
        Path file = dir.resolve("token.jwe");

        vault.store(file, fx.token(), passphrase);

        assertThat(vault.load(file, passphrase).claims().appliance()).isEqualTo(TokenFixtures.SERIAL);
    }

    @Test
    void defaultVaultUses600000Iterations() throws Exception {
        TokenVault standard = new TokenVault();
        Path file = dir.resolve("token.jwe");
        SignedAccessToken token = fx.token();

        standard.store(file, token, PASSPHRASE);
        String text = Files.readString(file);
        Map<String, Object> header = JSONObjectUtils.parse(decode(text.substring(0, text.indexOf('.'))));

        assertThat(header).containsEntry("p2c", 600_000L);
        assertThat(TokenVault.DEFAULT_ITERATIONS).isGreaterThanOrEqualTo(600_000);
        // the fast test vault reads what the default one wrote: the count travels in the file
        assertThat(vault.load(file, PASSPHRASE).serialize()).isEqualTo(token.serialize());
    }

    private static Arguments corrupt(String name, UnaryOperator<String> corruption) {
        return Arguments.of(name, corruption);
    }

    /** Changes the first character of one part of the compact JWE (0 header … 4 tag). */
    private static String alterPart(String compact, int index) {
        String[] parts = compact.split("\\.", -1);
        String part = parts[index];
        parts[index] = (part.charAt(0) == 'A' ? "B" : "A") + part.substring(1);
        return String.join(".", parts);
    }
}

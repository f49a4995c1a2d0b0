package dev.secureconnect.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.testing.DirectorySnapshot;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sc-appliance init}: the good case, and every bad input refused with one line on stderr, exit 1 (2 for usage
 * errors), nothing on stdout, and nothing written.
 */
class InitTest {

    private static final int REFUSED = 1;
    private static final int USAGE = 2;

    @TempDir
    static Path work;

    private static PkiFiles good;
    private static PkiFiles server;
    private static PkiFiles engineer;
    private static PkiFiles untrusted;
    private static PkiFiles expired;
    private static Path files;

    @BeforeAll
    static void certificates() throws IOException {
        TestPki pki = PkiFiles.pki();
        good = PkiFiles.appliance(work.resolve("good"), "SN-INIT-1");
        server = PkiFiles.write(work.resolve("server"), pki.server());
        engineer = PkiFiles.write(work.resolve("engineer"), pki.engineer("alice"));
        untrusted =
                PkiFiles.write(work.resolve("untrusted"), pki.untrusted(CertificateIdentity.appliance("SN-INIT-2")));
        // its own CA as the chain: in order, but not under the trusted root given with --ca
        Files.writeString(
                untrusted.chain(),
                dev.secureconnect.crypto.pem.Pem.certificates(
                        List.of(pki.untrustedCa().certificate())),
                StandardCharsets.US_ASCII);
        expired = PkiFiles.write(work.resolve("expired"), pki.expired(CertificateIdentity.appliance("SN-INIT-3")));
        files = Files.createDirectories(work.resolve("files"));
        Files.writeString(files.resolve("garbage.pem"), "this is not a certificate\n");
        Files.writeString(
                files.resolve("corrupted.pem"),
                "-----BEGIN CERTIFICATE-----\nMIIB!!!! not base64 @@@\n-----END CERTIFICATE-----\n");
        String key = Files.readString(good.key(), StandardCharsets.US_ASCII);
        Files.writeString(files.resolve("truncated-key.pem"), key.substring(0, key.length() / 2));
        Files.writeString(files.resolve("dir-is-a-file"), "x");
        Files.createDirectories(files.resolve("a-folder"));
    }

    @Test
    void setsUpTheDirectoryDisabledWithTheKeyPrivate() throws IOException {
        Path dir = work.resolve("ok").resolve("appliance");
        Files.createDirectories(dir.getParent());
        ApplianceCli.Result result = ApplianceCli.ok(good.initArgs(dir, "support.example.com:8443"));
        assertThat(result.out())
                .startsWith("appliance SN-INIT-1 set up in " + dir + " for server support.example.com:8443;");

        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("tls/key.pem"))).isEqualTo("rw-------");
        assertThat(Files.readAllBytes(dir.resolve("tls/cert.pem"))).isEqualTo(Files.readAllBytes(good.cert()));
        assertThat(Files.readAllBytes(dir.resolve("tls/key.pem"))).isEqualTo(Files.readAllBytes(good.key()));
        assertThat(Files.readAllBytes(dir.resolve("tls/chain.pem"))).isEqualTo(Files.readAllBytes(good.chain()));
        assertThat(Files.readAllBytes(dir.resolve("tls/ca.pem"))).isEqualTo(Files.readAllBytes(good.ca()));

        ApplianceDirectory directory = ApplianceDirectory.open(dir);
        ApplianceConfig config = directory.config();
        assertThat(config).isEqualTo(ApplianceConfig.defaults(ServerAddress.parse("support.example.com:8443")));
        assertThat(config.services()).isEmpty();
        assertThat(directory.state()).isEqualTo(ApplianceState.INITIAL);
        assertThat(directory.state().enabled()).isFalse();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .doesNotContain(".tls-")
                    .allMatch(n -> !n.endsWith(".tmp"));
        }
    }

    @Test
    void theConsoleIsOnAtItsDefaultUnlessInitSaysOtherwise() throws IOException {
        Path off = work.resolve("console-off");
        ApplianceCli.ok(withConsole(good, "off", off));
        assertThat(ApplianceDirectory.open(off).config().console().enabled()).isFalse();
        Path port = work.resolve("console-port");
        ApplianceCli.ok(withConsole(good, "0", port));
        ApplianceConfig.Console any = ApplianceDirectory.open(port).config().console();
        assertThat(any.enabled()).isTrue();
        assertThat(any.bind()).isEqualTo("127.0.0.1");
        assertThat(any.port()).isZero();
        assertThat(any.lockoutAfter()).isEqualTo(ApplianceConfig.Console.DEFAULT.lockoutAfter());
        Path address = work.resolve("console-address");
        ApplianceCli.ok(withConsole(good, "[::1]:9443", address));
        ApplianceConfig.Console six = ApplianceDirectory.open(address).config().console();
        assertThat(six.bind()).isEqualTo("::1");
        assertThat(six.port()).isEqualTo(9443);
    }

    private static String[] withConsole(PkiFiles f, String console, Path dir) {
        List<String> args = new ArrayList<>(List.of(f.initArgs(dir, "support.example.com:8443")));
        args.addAll(List.of("--console", console));
        return args.toArray(String[]::new);
    }

    static Stream<Arguments> badInputs() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(bad(
                "fail/missing-certificate",
                REFUSED,
                "the certificate file " + files("nothere.pem") + " does not exist",
                f -> args(f, "--cert", files("nothere.pem"))));
        cases.add(bad(
                "fail/missing-key",
                REFUSED,
                "the private key file " + files("nothere.pem") + " does not exist",
                f -> args(f, "--key", files("nothere.pem"))));
        cases.add(bad(
                "fail/missing-chain",
                REFUSED,
                "the certificate chain file " + files("nothere.pem") + " does not exist",
                f -> args(f, "--chain", files("nothere.pem"))));
        cases.add(bad(
                "fail/missing-ca",
                REFUSED,
                "the CA certificate file " + files("nothere.pem") + " does not exist",
                f -> args(f, "--ca", files("nothere.pem"))));
        cases.add(bad(
                "fail/certificate-is-a-folder",
                REFUSED,
                "is not a regular file",
                f -> args(f, "--cert", files("a-folder"))));
        cases.add(bad(
                "fail/certificate-not-pem",
                REFUSED,
                files("garbage.pem") + " holds no PEM block",
                f -> args(f, "--cert", files("garbage.pem"))));
        cases.add(bad(
                "fail/certificate-corrupted",
                REFUSED,
                files("corrupted.pem") + " is not valid PEM (corrupted or truncated)",
                f -> args(f, "--cert", files("corrupted.pem"))));
        cases.add(bad(
                "fail/ca-corrupted",
                REFUSED,
                files("corrupted.pem") + " is not valid PEM",
                f -> args(f, "--ca", files("corrupted.pem"))));
        cases.add(bad(
                "fail/key-truncated",
                REFUSED,
                files("truncated-key.pem"),
                f -> args(f, "--key", files("truncated-key.pem"))));
        cases.add(bad(
                "fail/key-of-another-certificate",
                REFUSED,
                "the private key does not belong to certificate CN=SN-INIT-1",
                f -> args(f, "--key", server.key().toString())));
        cases.add(bad(
                "fail/server-certificate",
                REFUSED,
                "is the server certificate of server localhost,127.0.0.1, not an" + " appliance certificate",
                f -> args(server, null, null)));
        cases.add(bad(
                "fail/engineer-certificate",
                REFUSED,
                "is the engineer certificate of engineer alice",
                f -> args(engineer, null, null)));
        cases.add(bad(
                "fail/untrusted-ca",
                REFUSED,
                "does not chain to the CA in " + untrusted.ca()
                        + ": certificate CN=SN-INIT-2,OU=Appliances,O=Untrusted Test refused (unknown-ca)",
                f -> args(untrusted, null, null)));
        cases.add(bad("fail/expired", REFUSED, "refused (expired)", f -> args(expired, null, null)));
        cases.add(bad(
                "fail/ca-is-not-a-ca",
                REFUSED,
                "is not a CA certificate",
                f -> args(f, "--ca", good.cert().toString())));
        cases.add(bad(
                "fail/dir-is-a-file",
                REFUSED,
                "exists and is not a directory",
                f -> replace(args(f, null, null), "--dir", files("dir-is-a-file"))));
        cases.add(bad(
                "fail/dir-parent-missing",
                REFUSED,
                "its parent folder",
                f -> replace(
                        args(f, null, null),
                        "--dir",
                        work.resolve("no/such/parent/dir").toString())));
        cases.add(bad(
                "usage/server-without-port",
                USAGE,
                "Invalid value for option '--server': server 'example.com' is" + " not HOST:PORT: the port is missing",
                f -> args(f, "--server", "example.com")));
        cases.add(bad(
                "usage/server-url", USAGE, "without a scheme", f -> args(f, "--server", "https://example.com:443/x")));
        cases.add(bad(
                "usage/console-neither-off-nor-port",
                USAGE,
                "Invalid value for option '--console': console: on (expected: off, PORT or ADDRESS:PORT",
                f -> withConsole(f, "on")));
        cases.add(bad(
                "usage/console-port-out-of-range",
                USAGE,
                "console.port: 70000 (expected: 0 to 65535)",
                f -> withConsole(f, "127.0.0.1:70000")));
        cases.add(bad(
                "usage/console-address-not-ip",
                USAGE,
                "console.bind: localhost (expected: an IP address such as 127.0.0.1)",
                f -> withConsole(f, "localhost:8765")));
        cases.add(bad(
                "usage/console-on-the-network-without-certificate",
                USAGE,
                "console.bind: 0.0.0.0 is not a loopback address",
                f -> withConsole(f, "0.0.0.0:8765")));
        cases.add(bad("usage/missing-option", USAGE, "Missing required option: '--ca=FILE'", f -> List.of(
                        "init",
                        "--dir",
                        work.resolve("target").toString(),
                        "--server",
                        "a.example:1",
                        "--cert",
                        f.cert().toString(),
                        "--key",
                        f.key().toString(),
                        "--chain",
                        f.chain().toString())
                .toArray(String[]::new)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRefusedOnOneLineAndNothingIsWritten(
            String name, int exitCode, String message, Function<PkiFiles, String[]> args) {
        DirectorySnapshot before = DirectorySnapshot.of(work);
        ApplianceCli.Result result = ApplianceCli.run(args.apply(good));
        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isEqualTo(exitCode);
        assertThat(result.out()).isEmpty();
        assertThat(result.error()).contains(message);
        assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(before.changesSince()).as("files changed by a refused init").isEmpty();
    }

    @Test
    void anAlreadySetUpDirectoryIsNotTouched() {
        Path dir = work.resolve("twice");
        ApplianceCli.ok(good.initArgs(dir, "a.example:1"));
        DirectorySnapshot before = DirectorySnapshot.of(dir);
        ApplianceCli.Result again = ApplianceCli.run(good.initArgs(dir, "b.example:2"));
        assertThat(again.exitCode()).isEqualTo(REFUSED);
        assertThat(again.error())
                .isEqualTo(dir + " is already set up (it has appliance.json): choose another --dir or remove"
                        + " the old one first");
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void anUnreadableKeyIsNamed() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                "root".equals(System.getProperty("user.name")), "root reads every file");
        Path key = Files.copy(good.key(), work.resolve("unreadable-key.pem"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        ApplianceCli.Result result = ApplianceCli.run(replace(args(good, null, null), "--key", key.toString()));
        assertThat(result.exitCode()).isEqualTo(REFUSED);
        assertThat(result.error()).contains("cannot be read by this user");
    }

    private static Arguments bad(String name, int exitCode, String message, Function<PkiFiles, String[]> args) {
        return Arguments.of(name, exitCode, message, args);
    }

    private static String files(String name) {
        return files.resolve(name).toString();
    }

    /** The init arguments of {@code f} into work/target, with up to two options replaced. */
    private static String[] args(PkiFiles f, String option, String value, String... more) {
        String[] args = f.initArgs(work.resolve("target"), "support.example.com:8443");
        if (option != null) {
            args = replace(args, option, value);
        }
        for (int i = 0; i + 1 < more.length; i += 2) {
            args = replace(args, more[i], more[i + 1]);
        }
        return args;
    }

    private static String[] withConsole(PkiFiles f, String console) {
        List<String> args = new ArrayList<>(List.of(args(f, null, null)));
        args.addAll(List.of("--console", console));
        return args.toArray(String[]::new);
    }

    private static String[] replace(String[] args, String option, String value) {
        String[] copy = args.clone();
        for (int i = 0; i < copy.length - 1; i++) {
            if (copy[i].equals(option)) {
                copy[i + 1] = value;
            }
        }
        return copy;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}

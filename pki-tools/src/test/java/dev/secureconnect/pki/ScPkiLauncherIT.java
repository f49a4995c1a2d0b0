package dev.secureconnect.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.testing.DirectorySnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher {@code bin/sc-pki} (which runs {@code pki-tools/target/sc-pki.jar}) as a separate process, as a
 * PKI admin or a script would run it. Run by maven-failsafe after {@code package}.
 */
class ScPkiLauncherIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path work;

    private static Path launcher;

    @BeforeAll
    static void findTheLauncher() {
        Path repository = Path.of("").toAbsolutePath().getParent();
        launcher = repository.resolve("bin").resolve("sc-pki");
        assertThat(launcher).as("the launcher").isExecutable();
        assertThat(repository.resolve("pki-tools/target/sc-pki.jar"))
                .as("the jar 'mvn package' builds")
                .isRegularFile();
    }

    @Test
    void initThenIssueAnApplianceCertificate() {
        Path ca = work.resolve("ca");
        Path out = work.resolve("appliance");

        ExternalCommand.Result init = scPki("init", "--dir", ca.toString(), "--name", "Launcher Test");
        assertThat(init.exitCode()).as("%s", init).isZero();
        assertThat(init.err()).isEmpty();
        assertThat(init.out()).contains("created CA \"Launcher Test\" in " + ca);

        ExternalCommand.Result issue =
                scPki("issue", "appliance", "--dir", ca.toString(), "--serial", "SN-IT-1", "--out", out.toString());
        assertThat(issue.exitCode()).as("%s", issue).isZero();
        assertThat(issue.err()).isEmpty();
        assertThat(issue.out())
                .contains("issued appliance SN-IT-1: serial ")
                .contains("wrote cert.pem, chain.pem, ca.pem, key.pem to " + out);
        CertificateIdentity identity = CertificateIdentity.of(Pem.readCertificate(out.resolve("cert.pem")));
        assertThat(identity.role()).isEqualTo(CertificateRole.APPLIANCE);
        assertThat(identity.id()).isEqualTo("SN-IT-1");

        ExternalCommand.Result list = scPki("list", "--dir", ca.toString(), "--role", "appliance");
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.out()).contains("SN-IT-1").contains("valid");
    }

    @Test
    void aKeySizeUnder2048IsRefusedWithOneLineAndExitCode1() {
        Path ca = work.resolve("ca-small");
        assertThat(scPki("init", "--dir", ca.toString(), "--name", "Launcher Test")
                        .exitCode())
                .isZero();
        DirectorySnapshot before = DirectorySnapshot.of(ca);

        ExternalCommand.Result result = scPki(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-IT-2",
                "--key-size",
                "1024",
                "--out",
                work.resolve("small").toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.err().lines().toList())
                .as("%s", result)
                .singleElement()
                .asString()
                .isEqualTo(
                        "sc-pki: key size 1024 bits is too small: RSA keys must be at least 2048 bits (use 2048, 3072 or 4096)");
        assertThat(result.out()).isEmpty();
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void aUsageErrorExitsWith2() {
        ExternalCommand.Result result = scPki(
                "sign-csr",
                "--dir",
                work.toString(),
                "--role",
                "admin",
                "--csr",
                "x.csr",
                "--out",
                work.resolve("x").toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("sc-pki: ")
                .contains("unknown role 'admin'");
    }

    private static ExternalCommand.Result scPki(String... args) {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return ExternalCommand.run(TIMEOUT, Map.of(CaOptions.PASSPHRASE_ENV, PkiCli.PASSPHRASE), command);
    }
}

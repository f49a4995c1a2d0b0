package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.testing.Eventually;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The world an engineer supports an appliance in, every part real, as EngineerIT and ConsoleIT set it up: the support
 * server (in this JVM) with the test CA, an OpenSSH {@code sshd} on 127.0.0.1 standing in for the appliance's service,
 * an {@code sc-appliance} directory initialised with the server's token key and {@code ssh} allow-listed (not started:
 * a test adds its own settings first), and engineer {@code bob} enrolled ({@code sc-server engineers add}).
 */
final class SupportWorld implements AutoCloseable {

    private static final Pattern SECRET = Pattern.compile("secret=([A-Z2-7]+)");

    final ServerUnderTest server;
    final OpenSshd sshd;
    final ApplianceProcess appliance;
    final EngineerProcess bob;
    /** Bob's TOTP secret, from the otpauth URI {@code engineers add} printed. */
    final String bobSecret;

    /**
     * @param console the appliance's web console as {@code sc-appliance init --console} takes it ({@code off}, or
     *     {@code 0} for any free port)
     * @param bobName bob's name in his certificate (its CN)
     */
    SupportWorld(Path root, String serial, String console, String bobName) throws Exception {
        this(new ServerUnderTest(root), root, serial, console, bobName);
    }

    /** The world around {@code server}, started and set up as the test needs it. */
    SupportWorld(ServerUnderTest server, Path root, String serial, String console, String bobName) throws Exception {
        this.server = server;
        OpenSshd startedSshd = null;
        ApplianceProcess initialised = null;
        try {
            startedSshd = new OpenSshd(root.resolve("sshd"));
            Path tokenKey = root.resolve("token-key.json");
            Launcher.Result exported = Launcher.run(
                    "sc-server", "token-key", "--dir", server.dir.toString(), "--out", tokenKey.toString());
            assertThat(exported.exitCode()).as(exported.describe()).isZero();
            initialised = new ApplianceProcess(root, serial, server.appliancePort(), tokenKey, console);
            initialised.admin("services add", "--name", "ssh", "--port", Integer.toString(startedSshd.port()));
            bob = new EngineerProcess(
                    root,
                    "bob",
                    TestPki.shared().issue(CertificateIdentity.engineer("bob", bobName, "bob@example.com")));
            bobSecret = enrol(bob);
        } catch (Exception | AssertionError e) {
            if (startedSshd != null) {
                startedSshd.close();
            }
            server.close();
            throw e;
        }
        sshd = startedSshd;
        appliance = initialised;
    }

    /** Enrols an engineer with {@code sc-server engineers add}; returns the TOTP secret from the otpauth URI. */
    String enrol(EngineerProcess engineer) throws IOException, InterruptedException {
        Launcher.Result added = Launcher.run(
                "sc-server",
                "engineers",
                "add",
                "--dir",
                server.dir.toString(),
                "--login",
                engineer.login,
                "--cert",
                engineer.certificatePem.toString());
        assertThat(added.exitCode()).as(added.describe()).isZero();
        Matcher secret = SECRET.matcher(added.out());
        assertThat(secret.find()).as(added.out()).isTrue();
        return secret.group(1);
    }

    /** The admin turns SecureConnect on and connects a new ticket; returns it once the server lists it online. */
    String connectTicket(String title) throws IOException, InterruptedException {
        appliance.admin("enable");
        String ticket = server.openTicket(title, appliance.serial);
        appliance.admin("connect", "--ticket", ticket);
        Eventually.within(
                Duration.ofSeconds(10),
                "the server lists " + appliance.serial + " online with ticket " + ticket,
                () -> server.online(appliance.serial, ticket));
        return ticket;
    }

    /** An engineer obtains a token for {@code serial} and {@code ticket} ({@code sc-engineer access}). */
    static void access(EngineerProcess engineer, String serial, String ticket)
            throws IOException, InterruptedException {
        String out = engineer.ok(
                "access",
                serial,
                "--ticket",
                ticket,
                "--ttl",
                "30m",
                "--reason",
                "integration test",
                "--token-passphrase-file",
                engineer.tokenPassphrase.toString());
        assertThat(out).contains(serial).doesNotContain("eyJ"); // the token itself is never printed
    }

    /** The {@code ssh} command line running {@code remoteCommand} on the sshd through {@code sc-engineer proxy}. */
    List<String> ssh(EngineerProcess engineer, String remoteCommand) {
        List<String> line = new ArrayList<>(List.of("ssh"));
        line.addAll(sshd.clientOptions());
        line.addAll(List.of(
                "-o",
                "ProxyCommand=" + engineer.proxyCommand(sshd.port()),
                sshd.user + "@" + appliance.serial,
                remoteCommand));
        return line;
    }

    @Override
    public void close() throws Exception {
        try {
            appliance.close();
        } finally {
            try {
                server.close();
            } finally {
                sshd.close();
            }
        }
    }
}

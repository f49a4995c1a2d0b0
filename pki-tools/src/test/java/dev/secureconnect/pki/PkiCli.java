package dev.secureconnect.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code sc-pki} in-process through {@link ScPki#run} with a non-interactive {@link Terminal}: no console,
 * captured standard output and error, a chosen environment and clock.
 */
final class PkiCli {

    /** The CA passphrase every test CA is created with (given through {@code SC_PKI_PASSPHRASE}). */
    static final String PASSPHRASE = "correct horse battery staple";

    /** The identity.p12 password given through {@code SC_PKI_P12_PASSPHRASE}. */
    static final String P12_PASSWORD = "p12-password-for-tests";

    private final Map<String, String> env;
    private final Clock clock;

    private PkiCli(Map<String, String> env, Clock clock) {
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    /** A PKI admin whose environment holds the CA passphrase and the identity.p12 password. */
    static PkiCli admin() {
        return new PkiCli(
                Map.of(
                        CaOptions.PASSPHRASE_ENV,
                        PASSPHRASE,
                        IssueCommand.Engineer.P12_ENV,
                        P12_PASSWORD,
                        "USER",
                        "pki-admin",
                        "HOSTNAME",
                        "test-host"),
                Clock.systemUTC());
    }

    PkiCli withClock(Clock other) {
        return new PkiCli(env, other);
    }

    /** The same admin with {@code name} set to {@code value}, or removed from the environment when value is null. */
    PkiCli withEnv(String name, String value) {
        Map<String, String> changed = new HashMap<>(env);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return new PkiCli(changed, clock);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                ScPki.run(new Terminal(env, null, new PrintWriter(out, true), new PrintWriter(err, true), clock), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs a command that must succeed, failing the test with its error output otherwise. */
    Result ok(String... args) {
        Result result = run(args);
        assertThat(result.exitCode())
                .as("sc-pki %s\nstdout: %s\nstderr: %s", String.join(" ", args), result.out(), result.err())
                .isZero();
        assertThat(result.err()).as("stderr of a successful sc-pki %s", args[0]).isEmpty();
        return result;
    }

    /** Creates a CA called "Acme" in {@code dir}. */
    Path init(Path dir, String... extra) {
        return initNamed(dir, "Acme", extra);
    }

    /** Creates a CA called {@code name} in {@code dir}. */
    Path initNamed(Path dir, String name, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("init", "--dir", dir.toString(), "--name", name));
        args.addAll(List.of(extra));
        ok(args.toArray(String[]::new));
        return dir;
    }

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        List<String> outLines() {
            return out.lines().toList();
        }
    }
}

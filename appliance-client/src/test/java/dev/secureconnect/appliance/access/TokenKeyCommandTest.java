package dev.secureconnect.appliance.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.appliance.testing.Engineers;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.testing.PkiFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sc-appliance token-key} and {@code init --token-key}: only a public P-256 key set is pinned. */
class TokenKeyCommandTest {

    @TempDir
    Path work;

    @Test
    void initPinsTheKeyAndTokenKeyReplacesItAudited() throws Exception {
        Engineers first = new Engineers();
        Path dir = work.resolve("appliance");
        String[] init =
                PkiFiles.appliance(work.resolve("issued"), "SN-KEY-1").initArgs(dir, "support.example.com:8443");
        String[] args = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(init),
                        java.util.stream.Stream.of(
                                "--token-key",
                                first.writePublicKeySet(work.resolve("k1")).toString()))
                .toArray(String[]::new);
        assertThat(ApplianceCli.ok(args).out()).endsWith("; token key pinned\n");
        Path pinned = dir.resolve("token-keys.json");
        assertThat(Files.readString(pinned)).isEqualTo(first.key.publicJwkSet());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pinned)))
                .isEqualTo("rw-------");

        TokenSigningKey next = TokenSigningKey.generate();
        Path nextFile = Files.writeString(work.resolve("next.json"), next.publicJwkSet());
        assertThat(ApplianceCli.ok("token-key", "--dir", dir.toString(), "--file", nextFile.toString())
                        .out())
                .startsWith("token key " + next.keyId() + " replaces the pinned key");
        assertThat(Files.readString(pinned)).isEqualTo(next.publicJwkSet());
        List<ApplianceAuditRecord> records =
                new ApplianceAuditLog(ApplianceDirectory.open(dir), Clock.systemUTC()).records();
        assertThat(records)
                .filteredOn(r -> "token-key".equals(r.target()))
                .hasSize(2)
                .last()
                .satisfies(r -> assertThat(r.details()).containsEntry("keyIds", List.of(next.keyId())));
    }

    @Test
    void aPrivateKeyOrAnotherCurveIsRefusedAndNothingPinned() throws Exception {
        Path dir = work.resolve("appliance");
        ApplianceCli.ok(
                PkiFiles.appliance(work.resolve("issued"), "SN-KEY-2").initArgs(dir, "support.example.com:8443"));

        TokenSigningKey key = TokenSigningKey.generate();
        Path privateFile = work.resolve("signing.jwk");
        key.save(privateFile);
        Path privateSet = Files.writeString(
                work.resolve("private-set.json"), "{\"keys\":[" + Files.readString(privateFile) + "]}");
        ApplianceCli.Result refused =
                ApplianceCli.run("token-key", "--dir", dir.toString(), "--file", privateSet.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.error())
                .isEqualTo(privateSet + " holds a private key: give verifiers the public key set only");

        Path p384 = Files.writeString(
                work.resolve("p384.json"),
                new JWKSet(new ECKeyGenerator(Curve.P_384).generate().toPublicJWK()).toString());
        assertThat(ApplianceCli.run("token-key", "--dir", dir.toString(), "--file", p384.toString())
                        .error())
                .isEqualTo(p384 + " holds a EC key: only EC P-256 keys (ES256) verify access tokens");

        assertThat(ApplianceCli.run(
                                "token-key",
                                "--dir",
                                dir.toString(),
                                "--file",
                                work.resolve("none.json").toString())
                        .error())
                .isEqualTo("token verification key file " + work.resolve("none.json") + " does not exist");
        assertThat(Files.exists(dir.resolve("token-keys.json"))).isFalse();

        // init refuses it before writing anything
        Path other = work.resolve("other");
        String[] init =
                PkiFiles.appliance(work.resolve("issued2"), "SN-KEY-3").initArgs(other, "support.example.com:8443");
        String[] args = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(init), java.util.stream.Stream.of("--token-key", privateSet.toString()))
                .toArray(String[]::new);
        assertThat(ApplianceCli.run(args).exitCode()).isEqualTo(1);
        assertThat(Files.exists(other)).isFalse();
    }
}

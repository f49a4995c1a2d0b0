package dev.secureconnect.server.cli;

import static dev.secureconnect.server.cli.ServerCliTest.assertOneLineError;
import static dev.secureconnect.server.cli.ServerCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.AccessTokenVerifier;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.crypto.token.TokenKeySet;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.cli.ServerCliTest.Result;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.tokens.TokenKeyFile;
import dev.secureconnect.server.tokens.TokenKeyRing;
import dev.secureconnect.server.tokens.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sc-server init --engineer-listen}, {@code token-key}, {@code tokens list|revoke} on a real SQLite directory. */
class TokensCliTest {

    @TempDir
    Path temp;

    Path dir;
    TestPki.Issued alice = TestPki.shared().engineer("alice");

    @BeforeEach
    void init() throws Exception {
        TestPki pki = TestPki.shared();
        Path files = Files.createDirectories(temp.resolve("files"));
        TestPki.Issued server = pki.server();
        Files.writeString(files.resolve("cert.pem"), Pem.certificates(List.of(server.certificate())));
        Files.writeString(files.resolve("key.pem"), Pem.privateKey(server.privateKey()));
        Files.writeString(files.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
        Files.writeString(files.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        Files.writeString(files.resolve("crl.pem"), Pem.crl(pki.revocationList()));
        dir = temp.resolve("server");
        Result init = run(
                "init",
                "--dir",
                dir.toString(),
                "--cert",
                files.resolve("cert.pem").toString(),
                "--key",
                files.resolve("key.pem").toString(),
                "--chain",
                files.resolve("chain.pem").toString(),
                "--ca",
                files.resolve("ca.pem").toString(),
                "--crl",
                files.resolve("crl.pem").toString(),
                "--appliance-listen",
                "127.0.0.1:0",
                "--engineer-listen",
                "127.0.0.1:0");
        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("engineer listener: 127.0.0.1:0");
    }

    /** A token signed with the directory's key and recorded, as the daemon issues it. */
    SignedAccessToken issue(Duration lifetime) {
        SignedAccessToken token = new AccessTokenIssuer(TokenKeyFile.load(dir), "sc-server", Clock.systemUTC())
                .issue(alice.certificate(), "SN-1", "12345678", lifetime, "disk full");
        try (Database database = Database.open(
                ServerDaemon.databaseSettings(dir, ConfigFile.read(dir).database()))) {
            new TokenStore(database, new ServerAuditLog(database, Clock.systemUTC()), Clock.systemUTC())
                    .recordIssued(token.claims(), null);
        }
        return token;
    }

    @Test
    void initWritesTheEngineerListenerAndAnOwnerOnlyTokenKey() throws Exception {
        assertThat(ConfigFile.read(dir).engineerListener().port()).isZero();
        assertThat(ConfigFile.read(dir).engineerListener().host()).isEqualTo("127.0.0.1");
        Path key = dir.resolve("keys/token-signing.jwk");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Result printed = run("token-key", "--dir", dir.toString());
        assertThat(printed.exitCode()).as(printed.err()).isZero();
        JsonNode set = new ObjectMapper().readTree(printed.out());
        assertThat(set.path("keys")).hasSize(1);
        assertThat(set.path("keys").get(0).has("d")).as("no private part").isFalse();
        Path out = temp.resolve("token-keys.json");
        assertThat(run("token-key", "--dir", dir.toString(), "--out", out.toString())
                        .exitCode())
                .isZero();
        // the exported set verifies the tokens the server signs
        SignedAccessToken token = issue(Duration.ofHours(1));
        AccessToken verified = AccessTokenVerifier.builder()
                .trustJwkSetFile(out)
                .revoked(id -> false)
                .build()
                .verify(token.serialize(), "SN-1", alice.certificate(), ticket -> true);
        assertThat(verified.id()).isEqualTo(token.claims().id());

        assertOneLineError(run("token-key", "--dir", dir.toString(), "--generate"), 1, "exists already");
    }

    @Test
    void theDaemonRefusesToStartWithoutItsTokenKey() throws Exception {
        Files.delete(dir.resolve("keys/token-signing.jwk"));
        assertThatThrownBy(() -> ServerDaemon.start(dir, ConfigFile.read(dir), Clock.systemUTC()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("no token-signing key")
                .hasMessageContaining("token-key --dir")
                .hasMessageNotContaining("\n");
        assertThat(run("token-key", "--dir", dir.toString(), "--generate").exitCode())
                .isZero();
        assertThat(dir.resolve("keys/token-signing.jwk")).exists();
    }

    @Test
    void tokensListAndRevoke() throws Exception {
        SignedAccessToken active = issue(Duration.ofHours(1));
        SignedAccessToken other = issue(Duration.ofHours(2));
        String id = active.claims().id().toString();

        Result list = run("tokens", "list", "--dir", dir.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out())
                .contains(id)
                .contains(other.claims().id().toString())
                .contains("alice")
                .contains("active")
                .doesNotContain(active.serialize());

        Result revoked = run("tokens", "revoke", "--dir", dir.toString(), id, "--reason", "laptop lost");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked access token " + id);

        assertThat(run("tokens", "list", "--dir", dir.toString()).out()).doesNotContain(id);
        JsonNode all = new ObjectMapper()
                .readTree(run("tokens", "list", "--dir", dir.toString(), "--all", "--json")
                        .out());
        assertThat(all).hasSize(2);
        JsonNode row = all.get(0).path("id").asText().equals(id) ? all.get(0) : all.get(1);
        assertThat(row.path("status").asText()).isEqualTo("revoked");
        assertThat(row.path("revokeReason").asText()).isEqualTo("laptop lost");
        assertThat(row.path("revokedBy").asText()).startsWith("operator:");

        assertOneLineError(run("tokens", "revoke", "--dir", dir.toString(), id), 1, "revoked already");
        assertOneLineError(
                run("tokens", "revoke", "--dir", dir.toString(), "00000000-0000-0000-0000-000000000000"),
                1,
                "no access token has the id");
        assertOneLineError(run("tokens", "revoke", "--dir", dir.toString(), "nonsense"), 1, "is not a token id");
        Result audit = run("audit", "list", "--dir", dir.toString(), "--json");
        assertThat(audit.out()).contains("token.revoked").contains("token.issued");
    }

    @Test
    void tokenKeyRotateSignsWithANewKeyAndKeepsThePreviousOneVerifying() throws Exception {
        SignedAccessToken before = issue(Duration.ofHours(1));
        TokenSigningKey previous = TokenKeyFile.load(dir);
        TokenKeySet pinned =
                TokenKeySet.parse(run("token-key", "--dir", dir.toString()).out());

        Result rotated = run("token-key", "rotate", "--dir", dir.toString());

        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        String next = TokenKeyFile.load(dir).keyId();
        assertThat(next).isNotEqualTo(previous.keyId());
        assertThat(rotated.out())
                .contains("new tokens are signed with kid " + next)
                .contains("kid " + previous.keyId() + " verifies the tokens it signed until");
        JsonNode set = new ObjectMapper()
                .readTree(run("token-key", "--dir", dir.toString()).out());
        assertThat(set.path("generation").asInt()).isEqualTo(1);
        assertThat(set.path("keys")).hasSize(2);
        assertThat(set.path("keys").get(1).has("exp"))
                .as("the previous key retires")
                .isTrue();
        // the chain leads from the set appliances pinned to the new one
        TokenKeyChain.Followed followed = TokenKeyFile.loadChain(dir).follow(pinned, java.time.Instant.now());
        assertThat(followed.changed()).isTrue();
        assertThat(followed.set().currentKeyId()).isEqualTo(next);
        assertThat(followed.signedBy()).containsExactly(previous.keyId());
        // the server signs with the new key and still takes the tokens of the previous one
        TokenKeyRing ring = TokenKeyRing.load(dir, "sc-server", id -> false, Clock.systemUTC());
        assertThat(ring.issuer().keyId()).isEqualTo(next);
        assertThat(ring.verifier()
                        .verify(before.serialize(), "SN-1", alice.certificate(), ticket -> true)
                        .id())
                .isEqualTo(before.claims().id());
        SignedAccessToken after = issue(Duration.ofHours(1));
        assertThat(ring.verifier()
                        .verify(after.serialize(), "SN-1", alice.certificate(), ticket -> true)
                        .id())
                .isEqualTo(after.claims().id());

        assertThat(run("token-key", "rotate", "--dir", dir.toString()).exitCode())
                .isZero();
        assertThat(TokenKeyFile.loadChain(dir).links()).hasSize(2);
        assertThat(TokenKeyFile.loadChain(dir)
                        .follow(pinned, java.time.Instant.now())
                        .set()
                        .generation())
                .isEqualTo(2);
        Result audit = run("audit", "list", "--dir", dir.toString(), "--json");
        assertThat(audit.out()).contains("token-key.rotated").contains(previous.keyId());
    }

    @Test
    void tokenKeyRotateRefusesADirectoryWithoutAKey() throws Exception {
        Files.delete(dir.resolve("keys/token-signing.jwk"));

        assertOneLineError(run("token-key", "rotate", "--dir", dir.toString()), 1, "no token-signing key");
        assertThat(dir.resolve(TokenKeyFile.RELATIVE_CHAIN)).doesNotExist();
        assertOneLineError(
                run("token-key", "rotate", "--dir", temp.resolve("nowhere").toString()), 1, "does not exist");
    }
}

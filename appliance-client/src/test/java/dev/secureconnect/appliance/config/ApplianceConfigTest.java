package dev.secureconnect.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.daemon.ApplianceDaemon;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code appliance.json}: defaults for every key but the server; an unknown key or a wrong type is named on one line. */
class ApplianceConfigTest {

    @TempDir
    static Path work;

    private static Path dir;

    @BeforeAll
    static void appliance() {
        PkiFiles files = PkiFiles.appliance(work.resolve("issued"), "SN-CONFIG-1");
        dir = work.resolve("appliance");
        ApplianceCli.ok(files.initArgs(dir, "support.example.com:8443"));
    }

    @Test
    void everyKeyButTheServerHasADefault() throws IOException {
        Path file = Files.writeString(work.resolve("minimal.json"), "{\"server\": \"support.example.com:8443\"}");
        ApplianceConfig config = read(file);
        assertThat(config.keepAlive().interval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.keepAlive().deadAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.backoff().min()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backoff().max()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.timeouts().connect()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.timeouts().handshake()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.timeouts().admission()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.timeouts().service()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.streams().windowBytes()).isEqualTo(1 << 20);
        assertThat(config.streams().maxConcurrent()).isEqualTo(256);
        assertThat(config.services()).isEmpty();
        assertThat(config.files())
                .isEqualTo(new ApplianceConfig.Files("tls/cert.pem", "tls/key.pem", "tls/chain.pem", "tls/ca.pem"));
        assertThat(config.tls().provider()).isEqualTo("auto");
        assertThat(config.tls().tlsProvider()).isEqualTo(TlsProvider.AUTO);
        assertThat(config.renewal().when()).isEqualTo(0.33);
        assertThat(config).isEqualTo(ApplianceConfig.defaults(ServerAddress.parse("support.example.com:8443")));
    }

    @Test
    void tlsProviderIsReadIgnoringCase() throws IOException {
        Path file = Files.writeString(work.resolve("tls-provider.json"), """
                {"server": "a.example:1", "tls": {"provider": "OpenSSL"}}""");
        assertThat(read(file).tls().tlsProvider()).isEqualTo(TlsProvider.OPENSSL);
    }

    @Test
    void durationsReadInSeveralFormsAndWriteShort() throws IOException {
        Path file = Files.writeString(work.resolve("durations.json"), """
                {"server": "a.example:1", "keepAlive": {"interval": "500ms", "deadAfter": "PT2M"},
                 "backoff": {"min": "2s", "max": "1h"}, "services": [{"name": "ssh", "port": 22}]}""");
        ApplianceConfig config = read(file);
        assertThat(config.keepAlive().interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.keepAlive().deadAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.backoff().max()).isEqualTo(Duration.ofHours(1));
        assertThat(config.services()).hasSize(1);
        ApplianceDirectory.open(dir).updateConfig(c -> config);
        assertThat(Files.readString(dir.resolve("appliance.json")))
                .contains("\"interval\" : \"500ms\"", "\"deadAfter\" : \"2m\"", "\"max\" : \"1h\"");
        assertThat(ApplianceDirectory.open(dir).config()).isEqualTo(config);
        ApplianceDirectory.open(dir)
                .updateConfig(c -> ApplianceConfig.defaults(ServerAddress.parse("support.example.com:8443")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "fail/unknown-key          | {\"server\": \"a.example:1\", \"sever\": 1}                      | unknown key 'sever' (expected one of: audit, backoff, callHome, console, files, keepAlive, renewal, server, services, streams, timeouts, tls)",
                "fail/unknown-nested-key   | {\"server\": \"a.example:1\", \"backoff\": {\"minimum\": \"1s\"}} | unknown key 'minimum' in backoff (expected one of: max, min)",
                "fail/duration-as-number   | {\"server\": \"a.example:1\", \"keepAlive\": {\"interval\": 20}}  | keepAlive.interval: wrong type (expected a duration such as \"20s\")",
                "fail/duration-words       | {\"server\": \"a.example:1\", \"keepAlive\": {\"interval\": \"20 seconds\"}} | keepAlive.interval: '20 seconds' is not a duration (expected e.g. 500ms, 20s, 5m, 1h)",
                "fail/number-as-string     | {\"server\": \"a.example:1\", \"streams\": {\"windowBytes\": \"big\"}} | streams.windowBytes: wrong type (expected a number)",
                "fail/port-as-string       | {\"server\": \"a.example:1\", \"services\": [{\"name\": \"ssh\", \"port\": \"22\"}]} | services[0].port: wrong type (expected a number)",
                "fail/port-out-of-range    | {\"server\": \"a.example:1\", \"services\": [{\"name\": \"ssh\", \"port\": 70000}]} | services[0]: service port 70000 is not valid: expected 1 to 65535",
                "fail/duplicate-service    | {\"server\": \"a.example:1\", \"services\": [{\"name\": \"a\", \"port\": 1}, {\"name\": \"a\", \"port\": 2}]} | services: the name 'a' appears twice",
                "fail/backoff-max-below-min| {\"server\": \"a.example:1\", \"backoff\": {\"min\": \"5s\", \"max\": \"1s\"}} | backoff.max: 1s (expected: >= backoff.min 5s)",
                "fail/dead-before-ping     | {\"server\": \"a.example:1\", \"keepAlive\": {\"interval\": \"1m\", \"deadAfter\": \"30s\"}} | keepAlive.deadAfter: 30s (expected: > keepAlive.interval 1m)",
                "fail/server-missing       | {}                                                              | server is missing: expected HOST:PORT",
                "fail/server-bad           | {\"server\": \"a.example\"}                                      | server 'a.example' is not HOST:PORT: the port is missing",
                "fail/server-wrong-type    | {\"server\": 8443}                                               | server: wrong type",
                "fail/not-json             | server = a.example:1                                            | not valid JSON",
                "fail/trailing-data        | {\"server\": \"a.example:1\"} {}                                 | not valid JSON",
                "fail/tls-provider         | {\"server\": \"a.example:1\", \"tls\": {\"provider\": \"boringssl\"}} | tls.provider: 'boringssl' (expected: auto, openssl or jdk)",
                "fail/renewal-zero         | {\"server\": \"a.example:1\", \"renewal\": {\"when\": 0}}      | renewal.when: 0.0 (expected: a part of the lifetime above 0, e.g. 0.33)",
                "fail/renewal-as-string    | {\"server\": \"a.example:1\", \"renewal\": {\"when\": \"soon\"}} | renewal.when: wrong type (expected a number)",
                "fail/duplicate-key        | {\"server\": \"a.example:1\", \"server\": \"b.example:2\"}        | Duplicate field 'server'",
            })
    void badConfigurationIsNamedOnOneLine(String name, String json, String message) throws IOException {
        Path file = Files.writeString(work.resolve(name.replace('/', '-') + ".json"), json);
        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ApplianceException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .startsWith(file + ": ")
                        .contains(message)
                        .doesNotContain("\n"));
    }

    @Test
    void theDaemonAndTheCommandsRefuseABrokenConfiguration() throws IOException {
        Path broken = work.resolve("broken");
        ApplianceCli.ok(
                PkiFiles.appliance(work.resolve("issued-broken"), "SN-CONFIG-2").initArgs(broken, "a.example:1"));
        Files.writeString(broken.resolve("appliance.json"), "{\"server\": \"a.example:1\", \"backof\": {}}");
        String expected = broken.resolve("appliance.json").toAbsolutePath() + ": unknown key 'backof'";
        assertThatThrownBy(() -> ApplianceDaemon.start(broken, Clock.systemUTC()))
                .hasMessageStartingWith(expected);
        ApplianceCli.Result list = ApplianceCli.run("services", "list", "--dir", broken.toString());
        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.error()).startsWith(expected);
        ApplianceCli.Result run = ApplianceCli.run("run", "--dir", broken.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.error()).startsWith(expected);
    }

    @Test
    void aDirectoryThatWasNeverSetUpIsNamed() {
        ApplianceCli.Result result =
                ApplianceCli.run("status", "--dir", work.resolve("nothing").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.error())
                .isEqualTo(work.resolve("nothing") + " is not an sc-appliance directory (it has no"
                        + " appliance.json): set one up with 'sc-appliance init --dir " + work.resolve("nothing")
                        + " --server HOST:PORT --cert F --key F --chain F --ca F'");
    }

    private static ApplianceConfig read(Path file) throws IOException {
        Files.copy(file, dir.resolve("appliance.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            return ApplianceDirectory.open(dir).config();
        } catch (ApplianceException e) {
            throw new ApplianceException(
                    e.getMessage()
                            .replace(
                                    dir.resolve("appliance.json")
                                            .toAbsolutePath()
                                            .toString(),
                                    file.toString()),
                    e);
        }
    }
}

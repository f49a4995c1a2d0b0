package dev.secureconnect.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceUnderTest;
import dev.secureconnect.events.EventType;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's API over real HTTPS against a real daemon: sign-in and lockout, authorisation on every route and its
 * encoded and trailing-slash variants, CSRF, cross-origin, traversal, oversized bodies, and the admin actions leaving
 * the same audit records as the CLI's.
 */
class ConsoleApiTest {

    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path work;

    private ApplianceUnderTest appliance;
    private ConsoleClient console;

    @BeforeEach
    void start() throws Exception {
        appliance = ApplianceUnderTest.init(work, "127.0.0.1:1");
        ApplianceDirectory directory = ApplianceDirectory.open(appliance.dir);
        directory.updateConfig(config -> config.withConsole(new ApplianceConfig.Console(
                true, "127.0.0.1", 0, null, null, Duration.ofMinutes(5), 3, Duration.ofMinutes(10))));
        new ConsoleUsers(directory).add("admin", PASSWORD.toCharArray());
        appliance.start();
        console = ConsoleClient.of(appliance.dir);
    }

    @AfterEach
    void stop() {
        appliance.close();
    }

    /** Every route, and variants of it; none answers anything but 401 without a session. */
    static final List<String[]> ROUTES = List.of(
            new String[] {"GET", "/api/session"},
            new String[] {"DELETE", "/api/session"},
            new String[] {"GET", "/api/status"},
            new String[] {"POST", "/api/switch"},
            new String[] {"POST", "/api/tickets"},
            new String[] {"DELETE", "/api/tickets"},
            new String[] {"DELETE", "/api/tickets/12345678"},
            new String[] {"GET", "/api/connections"},
            new String[] {"DELETE", "/api/connections"},
            new String[] {"DELETE", "/api/connections/s1"},
            new String[] {"GET", "/api/events"},
            new String[] {"GET", "/api/policy"},
            new String[] {"POST", "/api/policy/services"},
            new String[] {"DELETE", "/api/policy/services/ssh"},
            new String[] {"POST", "/api/policy/commands"},
            new String[] {"DELETE", "/api/policy/commands/disk-usage"},
            new String[] {"POST", "/api/policy/folders"},
            new String[] {"DELETE", "/api/policy/folders/%2Ftmp"},
            new String[] {"GET", "/api/audit"},
            new String[] {"POST", "/api/audit/verify"},
            new String[] {"GET", "/api/audit/export.csv"},
            new String[] {"GET", "/api/audit/export.jsonl"},
            new String[] {"GET", "/api/nonsense"});

    @Test
    void everyRouteAndItsVariantsNeedASession() throws Exception {
        for (String[] route : ROUTES) {
            for (String path : List.of(
                    route[1],
                    route[1] + "/",
                    route[1] + "?x=1",
                    route[1].replace("/api/", "/api//"),
                    route[1].replace("/api/", "/api/%2e/"),
                    "/api/" + encodeFirst(route[1].substring(5)))) {
                HttpResponse<String> response =
                        console.send(route[0], path, route[0].equals("GET") ? null : "{\"enabled\":true}");
                assertThat(response.statusCode()).as(route[0] + " " + path).isEqualTo(401);
                assertThat(response.body()).contains("sign in first");
            }
        }
        for (String path : List.of("/%61pi/status", "/API/status", "/assets/../api/status", "//api/status")) {
            assertThat(console.get(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(appliance.status().enabled()).isFalse();
    }

    private static String encodeFirst(String rest) {
        return "%" + Integer.toHexString(rest.charAt(0)) + rest.substring(1);
    }

    @Test
    void signedInRoutesAnswerAndUnknownVariantsAreNotFound() throws Exception {
        assertThat(console.signIn("admin", PASSWORD).statusCode()).isEqualTo(200);
        assertThat(console.get("/api/status").statusCode()).isEqualTo(200);
        assertThat(console.get("/api/status/").statusCode()).isEqualTo(404);
        assertThat(console.get("/api/%73tatus").statusCode()).isEqualTo(404);
        assertThat(console.get("/api/nonsense").body()).contains("no such route");
    }

    @Test
    void signInSetsAStrictCookieAndThePageForbidsInlineScript() throws Exception {
        HttpResponse<String> page = console.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/assets/console.js\"").doesNotContain("<script>");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        HttpResponse<String> signIn = console.signIn("admin", PASSWORD);
        assertThat(signIn.statusCode()).isEqualTo(200);
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("Secure", "HttpOnly", "SameSite=Strict", "Path=/");
        assertThat(appliance.audit(EventType.CONSOLE_SIGNED_IN)).singleElement().satisfies(r -> assertThat(r.details())
                .containsEntry("source", "127.0.0.1"));

        assertThat(console.change("DELETE", "/api/session", null).statusCode()).isEqualTo(200);
        assertThat(console.get("/api/status").statusCode()).isEqualTo(401);
    }

    @Test
    void wrongPasswordsLockTheNameAndAreAudited() throws Exception {
        assertThat(console.signIn("admin", "wrong password!!").statusCode()).isEqualTo(401);
        assertThat(console.signIn("admin", "wrong password!!").statusCode()).isEqualTo(401);
        HttpResponse<String> third = console.signIn("admin", "wrong password!!");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("locked until");
        HttpResponse<String> right = console.signIn("admin", PASSWORD);
        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(right.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(appliance.audit(EventType.CONSOLE_SIGN_IN_FAILED)).hasSize(4);
        assertThat(appliance.audit(EventType.CONSOLE_LOCKED)).singleElement().satisfies(r -> {
            assertThat(r.actor()).isEqualTo("admin");
            assertThat(r.details()).containsEntry("source", "127.0.0.1");
        });
        assertThat(console.signIn("nobody", PASSWORD).statusCode()).isEqualTo(401);
    }

    @Test
    void aStateChangeNeedsTheCsrfTokenAndTheConsolesOwnOrigin() throws Exception {
        console.signIn("admin", PASSWORD);
        assertThat(console.send("POST", "/api/switch", "{\"enabled\":true}").statusCode())
                .isEqualTo(403);
        assertThat(console.send("POST", "/api/switch", "{\"enabled\":true}", ConsoleApi.CSRF_HEADER, "forged")
                        .statusCode())
                .isEqualTo(403);
        assertThat(console.send(
                                "POST",
                                "/api/switch",
                                "{\"enabled\":true}",
                                ConsoleApi.CSRF_HEADER,
                                console.csrf,
                                "Origin",
                                "https://evil.example")
                        .statusCode())
                .isEqualTo(403);
        assertThat(appliance.status().enabled()).isFalse();

        HttpResponse<String> on = console.change("POST", "/api/switch", "{\"enabled\":true}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(on.body()).contains("\"message\":\"SecureConnect enabled");
        assertThat(appliance.status().enabled()).isTrue();
        assertThat(appliance.audit(EventType.SECURECONNECT_ENABLED))
                .singleElement()
                .extracting(ApplianceAuditRecord::actor)
                .isEqualTo("admin@127.0.0.1");
    }

    @Test
    void badTicketsAndOversizedBodiesAreRefusedAndChangeNothing() throws Exception {
        console.signIn("admin", PASSWORD);
        console.change("POST", "/api/switch", "{\"enabled\":true}");
        HttpResponse<String> bad = console.change("POST", "/api/tickets", "{\"ticket\":\"12<script>\\u0007\"}");
        assertThat(bad.statusCode()).isIn(400, 409);
        assertThat(bad.body()).contains("error").doesNotContain("\u0007");
        assertThat(console.change("POST", "/api/tickets", "{\"ticket\":12345678}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(console.change("POST", "/api/tickets", "{\"ticket\":\"" + "1".repeat(20_000) + "\"}")
                        .statusCode())
                .isEqualTo(413);
        assertThat(console.send(
                                "POST",
                                "/api/switch",
                                "enabled=false",
                                ConsoleApi.CSRF_HEADER,
                                console.csrf,
                                "Content-Type",
                                "application/x-www-form-urlencoded")
                        .statusCode())
                .isEqualTo(415);
        assertThat(appliance.status().connections()).isEmpty();
        assertThat(appliance.status().enabled()).isTrue();

        HttpResponse<String> connected = console.change("POST", "/api/tickets", "{\"ticket\":\"12345678\"}");
        assertThat(connected.statusCode()).as(connected.body()).isEqualTo(200);
        assertThat(appliance.status().connections()).singleElement().satisfies(c -> assertThat(c.ticket())
                .isEqualTo("12345678"));
        assertThat(console.change("DELETE", "/api/tickets/12345678", null).statusCode())
                .isEqualTo(200);
        assertThat(appliance.audit(EventType.TICKET_DISCONNECTED))
                .singleElement()
                .extracting(ApplianceAuditRecord::actor)
                .isEqualTo("admin@127.0.0.1");
    }

    @Test
    void theLiveFeedSendsTheOpenSessions() throws Exception {
        console.signIn("admin", PASSWORD);
        java.net.http.HttpResponse<java.io.InputStream> feed = console.stream("/api/events");
        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(feed.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            assertThat(first).startsWith("data: {\"ok\":true").contains("\"sessions\":[]");
        }
    }

    @Test
    void assetsComeFromTheListOnly() throws Exception {
        assertThat(console.get("/assets/console.js").statusCode()).isEqualTo(200);
        for (String path : List.of(
                "/assets/../assets/console.js",
                "/assets/%2e%2e/%2e%2e/etc/passwd",
                "/assets/..%2fconsole.js",
                "/assets/console.js/",
                "/assets//console.js",
                "/assets/Console.js",
                "/assets/",
                "/index.html",
                "/dev/secureconnect/appliance/console/assets/console.js")) {
            assertThat(console.get(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(console.send("POST", "/", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void commandsAndFoldersAreEditedAsTheCliEditsThem() throws Exception {
        console.signIn("admin", PASSWORD);
        Path folder = java.nio.file.Files.createDirectories(work.resolve("logs"));
        String command = "{\"name\":\"disk-usage\",\"argv\":[\"/bin/df\",\"-h\"],\"timeout\":\"30s\"}";
        String allow = "{\"path\":\"" + folder + "\",\"write\":true}";

        // without the CSRF token: refused, nothing changed
        assertThat(console.send("POST", "/api/policy/commands", command).statusCode())
                .isEqualTo(403);
        assertThat(console.send("POST", "/api/policy/folders", allow).statusCode())
                .isEqualTo(403);
        // bad input: a one-line message naming what is wrong, nothing changed
        for (String[] bad : List.of(
                new String[] {"/api/policy/commands", "{\"name\":\"a b<script>\",\"argv\":[\"/bin/df\"]}", "not valid"},
                new String[] {"/api/policy/commands", "{\"name\":\"x\",\"argv\":[]}", "argv: missing"},
                new String[] {"/api/policy/commands", "{\"name\":\"x\",\"argv\":[\"bin/df\"]}", "neither an absolute"},
                new String[] {
                    "/api/policy/commands", "{\"name\":\"x\",\"argv\":[\"/bin/df\"],\"timeout\":\"2d\"}", "timeout"
                },
                new String[] {
                    "/api/policy/commands",
                    "{\"name\":\"x\",\"argv\":[\"/bin/df\"],\"argPatterns\":{\"1\":\"[a-z\"}}",
                    "needs arguments allowed"
                },
                new String[] {"/api/policy/folders", "{\"path\":\"relative/logs\"}", "not an absolute path"},
                new String[] {"/api/policy/folders", "{\"path\":\"/no/such/folder\\n\"}", "does not exist"},
                new String[] {"/api/policy/folders", "{\"path\":\"/\"}", "root folder"},
                new String[] {"/api/policy/folders", "{\"path\":\"" + appliance.dir + "\"}", "appliance directory"},
                new String[] {"/api/policy/folders", "{\"path\":\"" + folder + "\",\"write\":\"yes\"}", "write:"})) {
            HttpResponse<String> refused = console.change("POST", bad[0], bad[1]);
            assertThat(refused.statusCode()).as(bad[1]).isEqualTo(400);
            assertThat(refused.body()).as(bad[1]).contains(bad[2]).doesNotContain("\\n");
        }
        assertThat(console.change("DELETE", "/api/policy/commands/nothing", null)
                        .body())
                .contains("no command named 'nothing'");
        assertThat(console.change("DELETE", "/api/policy/folders/relative", null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(appliance.audit(EventType.COMMAND_ALLOWED)).isEmpty();
        assertThat(appliance.audit(EventType.FOLDER_ALLOWED)).isEmpty();
        assertThat(java.nio.file.Files.exists(appliance.dir.resolve("commands.json")))
                .isFalse();

        HttpResponse<String> added = console.change("POST", "/api/policy/commands", command);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(added.body()).contains("command disk-usage added: /bin/df -h (timeout 30s");
        assertThat(console.change("POST", "/api/policy/commands", command).body())
                .contains("already in the catalogue");
        HttpResponse<String> allowed = console.change("POST", "/api/policy/folders", allow);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()).contains("allowed read-write");
        // what the CLI lists is what the page added
        assertThat(appliance.ok("commands list").out()).contains("disk-usage", "/bin/df -h", "30s");
        assertThat(appliance.ok("files list").out())
                .contains(folder.toRealPath().toString(), "read-write");
        assertThat(console.get("/api/policy").body())
                .contains("\"name\":\"disk-usage\"", "\"argv\":\"/bin/df -h\"", "\"write\":true");
        // the same audit records as the CLI's, the actor the console's admin
        assertThat(appliance.audit(EventType.COMMAND_ALLOWED)).singleElement().satisfies(r -> {
            assertThat(r.actor()).isEqualTo("admin@127.0.0.1");
            assertThat(r.target()).isEqualTo("disk-usage");
            assertThat(r.details()).containsEntry("timeout", "30s").containsEntry("allowArgs", false);
        });
        assertThat(appliance.audit(EventType.FOLDER_ALLOWED)).singleElement().satisfies(r -> {
            assertThat(r.actor()).isEqualTo("admin@127.0.0.1");
            assertThat(r.details()).containsEntry("write", true);
        });

        assertThat(console.change("DELETE", "/api/policy/commands/disk-usage", null)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> removed = console.change(
                "DELETE", "/api/policy/folders/" + java.net.URLEncoder.encode(folder.toString(), "UTF-8"), null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(console.get("/api/policy").body()).contains("\"commands\":[]", "\"folders\":[]");
        assertThat(appliance.audit(EventType.COMMAND_REMOVED))
                .singleElement()
                .extracting(ApplianceAuditRecord::actor)
                .isEqualTo("admin@127.0.0.1");
        assertThat(appliance.audit(EventType.FOLDER_REMOVED))
                .singleElement()
                .extracting(ApplianceAuditRecord::actor)
                .isEqualTo("admin@127.0.0.1");
    }

    @Test
    void policyAndActivityLog() throws Exception {
        console.signIn("admin", PASSWORD);
        HttpResponse<String> bad = console.change("POST", "/api/policy/services", "{\"name\":\"a b\",\"port\":22}");
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> added = console.change("POST", "/api/policy/services", "{\"name\":\"ssh\",\"port\":22}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(appliance.status().services()).containsExactly("ssh:22");
        assertThat(console.change("POST", "/api/policy/services", "{\"name\":\"ssh2\",\"port\":22}")
                        .body())
                .contains("already allow-listed");
        assertThat(console.get("/api/policy").body()).contains("\"name\":\"ssh\"");

        HttpResponse<String> page = console.get("/api/audit?event=service&limit=10");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("\"total\":1", "service.allowed", "admin@127.0.0.1");
        assertThat(console.get("/api/audit?limit=100000").statusCode()).isEqualTo(400);
        assertThat(console.get("/api/audit?from=yesterday").statusCode()).isEqualTo(400);
        HttpResponse<String> verify = console.change("POST", "/api/audit/verify", null);
        assertThat(verify.body()).contains("\"intact\":true");
        HttpResponse<String> csv = console.get("/api/audit/export.csv");
        assertThat(csv.body()).startsWith(Csv.HEADER).contains("service.allowed");
        assertThat(csv.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        assertThat(console.get("/api/audit/export.jsonl").body()).contains("\"prevHash\"");
    }
}

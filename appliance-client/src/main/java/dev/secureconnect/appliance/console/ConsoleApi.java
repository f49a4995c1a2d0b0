package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.admin.AdminResponse;
import dev.secureconnect.appliance.admin.AdminServer;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.config.AllowedServices;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.exec.AllowedCommands;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.exec.CommandEntry;
import dev.secureconnect.appliance.files.AllowedFolders;
import dev.secureconnect.appliance.files.FolderEntry;
import dev.secureconnect.appliance.files.FolderList;
import dev.secureconnect.appliance.internal.ByteSizes;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.appliance.link.OpenSession;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.ServiceEntry;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's JSON API. Every route but signing in needs a signed-in session (deny by default: a path that is not
 * a route answers 401 without one, 404 with one); every request that is not a {@code GET} needs the session's CSRF
 * token in {@value #CSRF_HEADER}, and a request whose {@code Origin} is not the console itself is refused. The admin's
 * actions go through the daemon's one admin handler ({@link AdminServer.Handler}, as the CLI's do), with the actor
 * {@code NAME@ADDRESS}.
 *
 * <p>Blocking (password hashing, the link's loop, the disk): called off the event loop.
 */
final class ConsoleApi {

    private static final Logger log = LoggerFactory.getLogger(ConsoleApi.class);

    static final String COOKIE = "__Host-sc-console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** How long a ticket connected from the console waits for the server's verdict. */
    static final String VERDICT_WAIT = "5s";

    static final int MAX_PAGE = 200;

    private final AdminServer.Handler admin;
    private final ConsoleUsers users;
    private final SignIns signIns;
    private final ApplianceAuditLog audit;
    private final ApplianceDirectory directory;

    ConsoleApi(
            AdminServer.Handler admin,
            ConsoleUsers users,
            SignIns signIns,
            ApplianceAuditLog audit,
            ApplianceDirectory directory) {
        this.admin = requireNonNull(admin, "admin");
        this.users = requireNonNull(users, "users");
        this.signIns = requireNonNull(signIns, "signIns");
        this.audit = requireNonNull(audit, "audit");
        this.directory = requireNonNull(directory, "directory");
    }

    /** A refusal with a one-line message for the page. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Whether a request is signed in (with its session), or the answer refusing it. */
    record Access(
            SignIns.@Nullable Session session, @Nullable ConsoleResponse refusal) {}

    /**
     * Decides whether {@code request} may go on: signed in, CSRF token for a state change, same origin. Signing in is
     * the one route open without a session.
     */
    Access authorize(ConsoleRequest request) {
        String origin = request.origin();
        if (origin != null && !origin.equals("https://" + request.host())) {
            return new Access(null, error(403, "cross-origin request refused: use the console's own page"));
        }
        if (request.method().equals("POST") && request.path().equals("/api/session")) {
            return new Access(null, null);
        }
        SignIns.Session session = signIns.find(request.sessionCookie(), this::expired);
        if (session == null) {
            return new Access(null, error(401, "sign in first (or again: the session ended)"));
        }
        if (!request.method().equals("GET")) {
            String csrf = request.csrf();
            if (csrf == null
                    || !java.security.MessageDigest.isEqual(
                            csrf.getBytes(StandardCharsets.UTF_8), session.csrf.getBytes(StandardCharsets.UTF_8))) {
                return new Access(
                        null, error(403, "missing or wrong " + CSRF_HEADER + ": reload the page and try again"));
            }
        }
        return new Access(session, null);
    }

    /** Answers an API request (a path under {@code /api/}). */
    ConsoleResponse handle(ConsoleRequest request) {
        Access access = authorize(request);
        if (access.refusal() != null) {
            return access.refusal();
        }
        try {
            SignIns.Session session = access.session();
            if (session == null) {
                return signIn(request);
            }
            return route(request, session);
        } catch (Refusal e) {
            return error(e.status, String.valueOf(e.getMessage()));
        } catch (ApplianceException e) {
            return error(400, OneLine.of(e.getMessage()));
        } catch (RuntimeException e) {
            log.error("console: {} failed", request, e);
            return error(500, "the daemon failed: " + OneLine.of(String.valueOf(e)));
        }
    }

    private ConsoleResponse route(ConsoleRequest request, SignIns.Session session) {
        QueryStringDecoder uri = new QueryStringDecoder(request.path());
        String path = request.path().contains("?")
                ? request.path().substring(0, request.path().indexOf('?'))
                : request.path();
        String method = request.method();
        String actor = session.user + "@" + request.source();
        List<String> parts = Arrays.asList(path.split("/", -1));
        String route = method + " " + path;
        switch (route) {
            case "GET /api/session":
                return json(200, sessionJson(session));
            case "DELETE /api/session":
                signIns.close(session);
                audit.record(ApplianceAuditEvent.of(EventType.CONSOLE_SIGNED_OUT, session.user)
                        .detail("source", request.source())
                        .build());
                return json(200, message("signed out")).withHeader("Set-Cookie", cookie("", 0));
            case "GET /api/status":
                return answer(admin.handle(AdminRequest.of("status"), actor));
            case "POST /api/switch": {
                JsonNode body = body(request);
                JsonNode enabled = body.get("enabled");
                if (enabled == null || !enabled.isBoolean()) {
                    throw new Refusal(400, "enabled: expected true or false");
                }
                return answer(admin.handle(AdminRequest.of(enabled.booleanValue() ? "enable" : "disable"), actor));
            }
            case "POST /api/tickets": {
                String ticket = text(body(request), "ticket");
                return answer(admin.handle(new AdminRequest("connect", ticket, null, VERDICT_WAIT), actor));
            }
            case "DELETE /api/tickets":
                return answer(admin.handle(new AdminRequest("disconnect", null, true, null), actor));
            case "GET /api/connections":
                return answer(admin.handle(AdminRequest.of("sessions"), actor));
            case "DELETE /api/connections":
                return disconnectAll(actor);
            case "GET /api/policy":
                return json(200, policy());
            case "POST /api/policy/services": {
                JsonNode body = body(request);
                JsonNode port = body.get("port");
                if (port == null || !port.canConvertToInt()) {
                    throw new Refusal(400, "port: expected a number from 1 to 65535");
                }
                ServiceEntry added = AllowedServices.add(directory, audit, actor, text(body, "name"), port.intValue());
                return reloaded("service " + added.name() + " (127.0.0.1:" + added.port() + ") allow-listed", actor);
            }
            case "POST /api/policy/commands": {
                CommandEntry added = AllowedCommands.add(directory, audit, actor, command(body(request)));
                return json(200, message("command " + added.name() + " added: " + added.describe()));
            }
            case "POST /api/policy/folders": {
                JsonNode body = body(request);
                JsonNode write = body.get("write");
                if (write != null && !write.isBoolean()) {
                    throw new Refusal(400, "write: expected true or false");
                }
                FolderEntry allowed = AllowedFolders.allow(
                        directory,
                        audit,
                        actor,
                        absolutePath(text(body, "path")),
                        write != null && write.booleanValue());
                return json(200, message("folder " + allowed.path() + " allowed " + allowed.access()));
            }
            case "GET /api/audit":
                return auditPage(uri.parameters());
            case "POST /api/audit/verify":
                return verify();
            case "GET /api/audit/export.csv":
                return download("text/csv; charset=utf-8", "audit.csv", Csv.of(audit.records()));
            case "GET /api/audit/export.jsonl":
                return download("application/jsonl; charset=utf-8", "audit.log", auditLines());
            default:
                break;
        }
        // routes with one path parameter: /api/tickets/N, /api/connections/ID
        if (method.equals("DELETE")
                && parts.size() == 4
                && parts.get(1).equals("api")
                && !parts.get(3).isEmpty()) {
            String value = QueryStringDecoder.decodeComponent(parts.get(3));
            switch (parts.get(2)) {
                case "tickets":
                    return answer(admin.handle(new AdminRequest("disconnect", value, null, null), actor));
                case "connections":
                    return answer(admin.handle(new AdminRequest("close-session", null, null, null, value), actor));
                default:
                    break;
            }
        }
        // /api/policy/services/NAME, /api/policy/commands/NAME, /api/policy/folders/PATH (the path encoded whole)
        if (method.equals("DELETE")
                && parts.size() == 5
                && path.startsWith("/api/policy/")
                && !parts.get(4).isEmpty()) {
            String value = QueryStringDecoder.decodeComponent(parts.get(4));
            switch (parts.get(3)) {
                case "services": {
                    ServiceEntry removed = AllowedServices.remove(directory, audit, actor, value);
                    return reloaded(
                            "service " + removed.name() + " (127.0.0.1:" + removed.port()
                                    + ") removed from the allow-list",
                            actor);
                }
                case "commands":
                    AllowedCommands.remove(directory, audit, actor, value);
                    return json(200, message("command " + value + " removed from the catalogue"));
                case "folders": {
                    FolderEntry removed = AllowedFolders.remove(directory, audit, actor, absolutePath(value));
                    return json(200, message("folder " + removed.path() + " removed"));
                }
                default:
                    break;
            }
        }
        return error(404, "no such route: " + method + " " + OneLine.quoted(path));
    }

    private ConsoleResponse signIn(ConsoleRequest request) {
        JsonNode body = body(request);
        String name = text(body, "name");
        String password = text(body, "password");
        String source = request.source();
        Instant locked = signIns.lockedUntil(name);
        if (locked != null) {
            audit.record(ApplianceAuditEvent.of(EventType.CONSOLE_SIGN_IN_FAILED, OneLine.of(name))
                    .refused("the name is locked until " + locked)
                    .detail("source", source)
                    .build());
            return error(
                    429,
                    "too many failed sign-ins: " + OneLine.quoted(name) + " is locked until " + locked
                            + " (UTC); try again later");
        }
        char[] chars = password.toCharArray();
        boolean ok;
        try {
            ok = name.length() <= 32 && users.check(name, chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
        if (!ok) {
            Instant until = signIns.failed(name);
            audit.record(ApplianceAuditEvent.of(EventType.CONSOLE_SIGN_IN_FAILED, OneLine.of(name))
                    .refused("unknown name or wrong password")
                    .detail("source", source)
                    .build());
            if (until != null) {
                audit.record(ApplianceAuditEvent.of(EventType.CONSOLE_LOCKED, OneLine.of(name))
                        .reason("too many failed sign-ins in a row; locked until " + until)
                        .detail("source", source)
                        .build());
                return error(
                        429,
                        "too many failed sign-ins: " + OneLine.quoted(name) + " is locked until " + until + " (UTC)");
            }
            return error(401, "wrong name or password");
        }
        signIns.succeeded(name);
        SignIns.Session session = signIns.open(name, source);
        audit.record(ApplianceAuditEvent.of(EventType.CONSOLE_SIGNED_IN, name)
                .detail("source", source)
                .build());
        return json(200, sessionJson(session)).withHeader("Set-Cookie", cookie(session.id, -1));
    }

    private void expired(SignIns.Session session) {
        audit.record(ApplianceAuditEvent.of(EventType.CONSOLE_SIGNED_OUT, session.user)
                .reason("idle for too long")
                .detail("source", session.source)
                .build());
    }

    /** The session cookie: the browser sends it to this console only, over HTTPS only, never to scripts. */
    private static String cookie(String value, int maxAge) {
        return COOKIE + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=Strict"
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    private static ObjectNode sessionJson(SignIns.Session session) {
        ObjectNode node = Json.COMPACT.createObjectNode();
        node.put("user", session.user);
        node.put("csrf", session.csrf);
        return node;
    }

    private ConsoleResponse disconnectAll(String actor) {
        AdminResponse listed = admin.handle(AdminRequest.of("sessions"), actor);
        List<OpenSession> open = listed.sessions() == null ? List.of() : listed.sessions();
        int closed = 0;
        for (OpenSession session : open) {
            AdminResponse done = admin.handle(new AdminRequest("close-session", null, null, null, session.id()), actor);
            if (done.ok()) {
                closed++;
            }
        }
        return json(200, message(closed == 0 ? "no session was open" : closed + " session(s) disconnected"));
    }

    private ConsoleResponse reloaded(String what, String actor) {
        AdminResponse reload = admin.handle(AdminRequest.of("reload"), actor);
        if (!reload.ok()) {
            throw new ApplianceException(what + ", but the daemon did not reload it: " + reload.error());
        }
        return json(200, message(what + "; the daemon now uses the new list"));
    }

    private ObjectNode policy() {
        ObjectNode node = Json.COMPACT.createObjectNode();
        node.set("services", Json.COMPACT.valueToTree(directory.config().services()));
        ArrayNode commands = node.putArray("commands");
        for (CommandEntry entry : CommandCatalogue.read(directory).commands()) {
            ObjectNode row = commands.addObject();
            row.put("name", entry.name());
            row.put("argv", String.join(" ", entry.argv()));
            row.put(
                    "limits",
                    "timeout " + Durations.format(entry.timeout()) + ", output at most "
                            + ByteSizes.format(entry.maxOutputBytes()));
            row.put("args", entry.describeArgs());
        }
        node.set("folders", Json.COMPACT.valueToTree(FolderList.read(directory).folders()));
        return node;
    }

    /**
     * A command from the page, checked as {@code sc-appliance commands add} checks its options: {@code name},
     * {@code argv} (the program and its fixed arguments), and optionally {@code timeout} ({@code 60s}),
     * {@code maxOutput} ({@code 64MiB}), {@code allowArgs}, {@code allowOptions} and {@code argPatterns}
     * ({@code {"1": "REGEX"}}).
     */
    private static CommandEntry command(JsonNode body) {
        String name = text(body, "name");
        JsonNode argvNode = body.get("argv");
        if (argvNode == null || !argvNode.isArray() || argvNode.isEmpty()) {
            throw new Refusal(
                    400, "argv: missing (expected the program and its fixed arguments, e.g. [\"/bin/df\", \"-h\"])");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode word : argvNode) {
            if (!word.isTextual()) {
                throw new Refusal(400, "argv: expected strings only");
            }
            argv.add(word.textValue());
        }
        Duration timeout;
        String timeoutText = optionalText(body, "timeout", "60s");
        try {
            timeout = Durations.parse(timeoutText);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "timeout: " + OneLine.of(e.getMessage()));
        }
        long maxOutput;
        try {
            maxOutput = ByteSizes.parse(optionalText(body, "maxOutput", "64MiB"));
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "maxOutput: " + OneLine.of(e.getMessage()));
        }
        Map<Integer, String> patterns = new LinkedHashMap<>();
        JsonNode patternsNode = body.get("argPatterns");
        if (patternsNode != null && !patternsNode.isNull()) {
            if (!patternsNode.isObject()) {
                throw new Refusal(400, "argPatterns: expected an object such as {\"1\": \"[a-z]+\"}");
            }
            for (Map.Entry<String, JsonNode> pattern : patternsNode.properties()) {
                if (!pattern.getKey().matches("[1-9][0-9]{0,2}")
                        || !pattern.getValue().isTextual()) {
                    throw new Refusal(
                            400,
                            "argPatterns: " + OneLine.quoted(pattern.getKey())
                                    + " (expected: a position from 1 and a regular expression)");
                }
                patterns.put(
                        Integer.parseInt(pattern.getKey()), pattern.getValue().textValue());
            }
        }
        return CommandEntry.resolve(
                name, argv, timeout, maxOutput, flag(body, "allowArgs"), flag(body, "allowOptions"), patterns);
    }

    /** A folder named on the page: an absolute path (the daemon's working folder means nothing to the admin). */
    private static Path absolutePath(String text) {
        try {
            Path path = Path.of(text);
            if (!path.isAbsolute()) {
                throw new Refusal(
                        400, "folder " + OneLine.quoted(text) + " is not an absolute path (e.g. /var/log/app)");
            }
            return path;
        } catch (InvalidPathException e) {
            throw new Refusal(400, "folder " + OneLine.quoted(text) + " is not a valid path");
        }
    }

    private ConsoleResponse auditPage(Map<String, List<String>> query) {
        int offset = number(query, "offset", 0, Integer.MAX_VALUE, 0);
        int limit = number(query, "limit", 1, MAX_PAGE, 50);
        Predicate<ApplianceAuditRecord> filter = AuditFilter.of(
                parameter(query, "event"),
                parameter(query, "actor"),
                parameter(query, "ticket"),
                instant(query, "from"),
                instant(query, "to"));
        List<ApplianceAuditRecord> matching = new ArrayList<>();
        List<ApplianceAuditRecord> records = audit.records();
        for (int i = records.size() - 1; i >= 0; i--) { // newest first
            if (filter.test(records.get(i))) {
                matching.add(records.get(i));
            }
        }
        ObjectNode node = Json.COMPACT.createObjectNode();
        node.put("total", matching.size());
        node.put("offset", offset);
        node.put("limit", limit);
        node.set(
                "records",
                Json.COMPACT.valueToTree(matching.subList(
                        Math.min(offset, matching.size()), Math.min(offset + limit, matching.size()))));
        return json(200, node);
    }

    private ConsoleResponse verify() {
        ObjectNode node = Json.COMPACT.createObjectNode();
        try {
            int checked = audit.verify();
            node.put("intact", true);
            node.put("records", checked);
            node.put("message", "intact: " + checked + " records, every one chained to the one before");
        } catch (ApplianceException e) {
            node.put("intact", false);
            node.put("message", OneLine.of(e.getMessage()));
        }
        return json(200, node);
    }

    private String auditLines() {
        StringBuilder lines = new StringBuilder();
        for (ApplianceAuditRecord record : audit.records()) {
            lines.append(Json.line(record)).append('\n');
        }
        return lines.toString();
    }

    private static ConsoleResponse download(String type, String name, String content) {
        return new ConsoleResponse(200, type, content.getBytes(StandardCharsets.UTF_8), Map.of())
                .withHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    private static ConsoleResponse answer(AdminResponse response) {
        return json(response.ok() ? 200 : 409, response);
    }

    private static JsonNode body(ConsoleRequest request) {
        String type = request.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Refusal(415, "the request body must be JSON (Content-Type: application/json)");
        }
        try {
            JsonNode node = Json.COMPACT.readTree(request.body());
            if (node == null || !node.isObject()) {
                throw new Refusal(400, "the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Refusal(400, "malformed request body: " + Json.problem(e));
        } catch (java.io.IOException e) {
            throw new Refusal(400, "unreadable request body");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new Refusal(400, field + ": missing (expected a string)");
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode body, String field, String fallback) {
        JsonNode value = body.get(field);
        if (value == null
                || value.isNull()
                || (value.isTextual() && value.textValue().isBlank())) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new Refusal(400, field + ": expected a string");
        }
        return value.textValue().strip();
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new Refusal(400, field + ": expected true or false");
        }
        return value.booleanValue();
    }

    private static @Nullable String parameter(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private static int number(Map<String, List<String>> query, String name, int min, int max, int fallback) {
        String text = parameter(query, name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new Refusal(400, name + ": " + value + " (expected: " + min + " to " + max + ")");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new Refusal(400, name + ": " + OneLine.quoted(text) + " (expected: a number)");
        }
    }

    private static @Nullable Instant instant(Map<String, List<String>> query, String name) {
        String text = parameter(query, name);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Refusal(
                    400, name + ": " + OneLine.quoted(text) + " (expected: a time such as 2026-01-31T12:00:00Z)");
        }
    }

    static ObjectNode message(String text) {
        ObjectNode node = Json.COMPACT.createObjectNode();
        node.put("message", text);
        return node;
    }

    static ConsoleResponse error(int status, String message) {
        ObjectNode node = Json.COMPACT.createObjectNode();
        node.put("error", OneLine.of(message));
        return json(status, node);
    }

    private static ConsoleResponse json(int status, Object value) {
        return ConsoleResponse.json(status, Json.line(value));
    }
}

package dev.secureconnect.events;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The event catalogue as a document: {@link EventType} is its one source of truth and {@code docs/events.md} its
 * rendering, which a test keeps equal. Regenerate after adding an event or a field:
 * {@code java -cp event-catalogue/target/classes dev.secureconnect.events.EventCatalogue > docs/events.md}.
 */
public final class EventCatalogue {

    /**
     * What each field of {@link EventType#fields()} means, in a few words for a person writing a SIEM rule; sorted
     * by name. One key means one thing in every event that carries it (where two uses differ, the meaning says
     * which is which).
     */
    public static final Map<String, String> FIELD_MEANINGS = Collections.unmodifiableMap(new TreeMap<>(Map.ofEntries(
            Map.entry("added", "revoked token ids the appliance did not know yet"),
            Map.entry("allowArgs", "whether the engineer may pass arguments: true or false"),
            Map.entry("allowOptions", "whether an argument the engineer passes may start with '-': true or false"),
            Map.entry("appended", "held audit records appended to the log, in order, when it recovered"),
            Map.entry("args", "the command's arguments (a JSON array on the server, a list on the appliance)"),
            Map.entry(
                    "argPatterns",
                    "per argument position (from 1), the regular expression the whole argument must" + " match"),
            Map.entry("argv", "the command line the appliance runs, as a list"),
            Map.entry("bundleId", "the Call Home bundle's id (a UUID chosen by the appliance)"),
            Map.entry("caseId", "the support case's id (C and 8 digits)"),
            Map.entry("bytes", "bytes of output sent to the engineer"),
            Map.entry("bytesFromAppliance", "bytes from the appliance to the engineer (server)"),
            Map.entry("bytesFromService", "bytes from the local service to the server (appliance)"),
            Map.entry("bytesToAppliance", "bytes from the engineer to the appliance (server)"),
            Map.entry("bytesToService", "bytes from the server to the local service (appliance)"),
            Map.entry("codeId", "the id of a one-time enrolment code (its first characters, never the code)"),
            Map.entry("certificate", "SHA-256 fingerprint of the engineer's certificate"),
            Map.entry("count", "revoked token ids received"),
            Map.entry("dedupKey", "an alert rule's de-duplication key, expanded: one case per key until it re-arms"),
            Map.entry("degradedFor", "how long the audit log could not commit (ISO-8601 duration)"),
            Map.entry("deliveredSeq", "sequence number of the last record the sink delivered"),
            Map.entry("durationMs", "how long the session lasted, in milliseconds"),
            Map.entry("email", "the engineer's e-mail address"),
            Map.entry("engineer", "login of the engineer the event is about"),
            Map.entry(
                    "error",
                    "why delivery fails, why the audit log cannot commit, or why a Call Home bundle could not be"
                            + " sent, in words"),
            Map.entry("existingLink", "address of the link already up with the same appliance certificate"),
            Map.entry("checkpointHash", "the hash of the last record an appliance's audit checkpoint signs (hex)"),
            Map.entry("checkpointSeq", "the sequence number of the last record an appliance's audit checkpoint signs"),
            Map.entry("exitStatus", "the command's exit status; absent when it did not finish"),
            Map.entry("expiresAt", "when the access token expires (ISO-8601)"),
            Map.entry("expectedBy", "when the appliance's next bundle was due at the latest (ISO-8601)"),
            Map.entry("failedFor", "how long delivery was failing (ISO-8601 duration)"),
            Map.entry(
                    "failures",
                    "failed logins in a row, this one included; in source.blocked the failures within"
                            + " the window that blocked the source"),
            Map.entry("file", "the bundle file written; for alert rules, rules.yaml"),
            Map.entry("generation", "the token key set's generation: 0 for the first key, one more at each rotation"),
            Map.entry("fingerprint", "SHA-256 fingerprint of the certificate the event is about"),
            Map.entry("fingerprints", "SHA-256 fingerprints of the certificates revoked (comma-separated)"),
            Map.entry("oldFingerprint", "SHA-256 fingerprint of the certificate a renewal replaces"),
            Map.entry("format", "the record format the sink sends"),
            Map.entry("from", "sequence number of the first record exported"),
            Map.entry("keyId", "the audit key's JWK thumbprint; in token-key.rotated the new token-signing key's"),
            Map.entry(
                    "keyIds", "JWK thumbprints of the pinned token-verification keys (comma-separated on the server)"),
            Map.entry("kept", "revoked token ids the appliance already knew"),
            Map.entry("kind", "the session's kind: connect, exec, get or put"),
            Map.entry("label", "the refusal as a short code, e.g. expired, revoked, wrong-holder (appliance)"),
            Map.entry("listener", "the server listener that refused the handshake: appliance or engineer"),
            Map.entry("lastReceived", "when the server received the appliance's last bundle (ISO-8601)"),
            Map.entry("lockedUntil", "when the lock-out ends (ISO-8601)"),
            Map.entry("loginSessions", "how many login sessions of the engineer the server ended"),
            Map.entry("maxOutputBytes", "the command's output limit in bytes"),
            Map.entry("message", "what was refused and why, in words, as the peer was told"),
            Map.entry("name", "the command's catalogue name; in engineer.enrolled the engineer's full name"),
            Map.entry("path", "the file or folder, as an absolute path"),
            Map.entry("previousSeq", "the checkpointSeq the server held before, 0 for none"),
            Map.entry("previousCertificate", "SHA-256 fingerprint of the certificate the engineer was bound to before"),
            Map.entry("previousKeyId", "JWK thumbprint of the token-signing key a rotation replaced"),
            Map.entry("previousCheckpoint", "sequence number of the previous checkpoint, 0 for none"),
            Map.entry("received", "bytes received before the upload failed"),
            Map.entry("replace", "whether the code may replace a valid certificate of the serial: true or false"),
            Map.entry("reason", "why, in words or as a short code; in appliance admin events what was set"),
            Map.entry(
                    "reportedBy",
                    "who reported it: engineer client; appliance for the token-key events the server records"),
            Map.entry("retireAt", "when the replaced token key stops verifying: every token it signed has expired"),
            Map.entry("rule", "the alert rule (rules.yaml) that fired"),
            Map.entry("rules", "how many alert rules are in force"),
            Map.entry("scope", "the access a case needs, JSON: services, commands, folders, duration"),
            Map.entry("sent", "bytes sent before the download was cut off"),
            Map.entry("services", "the services the appliance offers, name:port, comma-separated"),
            Map.entry("severity", "the case's severity: low, normal, high or critical"),
            Map.entry("sha256", "SHA-256 of the file's content, or of a Call Home bundle's JSON, hex"),
            Map.entry(
                    "signedBy", "JWK thumbprints of the keys that signed the installed key set and the sets before it"),
            Map.entry("signedAt", "when the appliance signed its audit checkpoint (ISO-8601)"),
            Map.entry(
                    "signedThrough", "the checkpoint the bundle ends with (records after --to up to it are included)"),
            Map.entry("sink", "the export sink's name"),
            Map.entry("size", "the file's size in bytes; a Call Home bundle's compressed size"),
            Map.entry("spilled", "records already held in the spill file when the audit log became unavailable"),
            Map.entry("status", "the HTTP status the session request (or the Call Home bundle) was answered with"),
            Map.entry("streams", "how many open session streams of the engineer the server reset"),
            Map.entry("storedSeq", "the checkpointSeq the server holds, which a refused checkpoint went below"),
            Map.entry("subject", "subject DN of the refused certificate"),
            Map.entry(
                    "target",
                    "what the event acts on: a session's service (127.0.0.1:port), command or path; the"
                            + " server's address (appliance link events); the entry changed (appliance admin events);"
                            + " a sink's destination"),
            Map.entry("tickets", "the tickets the server accepted on the link, comma-separated"),
            Map.entry("timeStep", "the TOTP time step of the code presented"),
            Map.entry("timedOut", "whether the command was killed at its timeout: true or false"),
            Map.entry("timeout", "the command's time limit, e.g. 30s"),
            Map.entry("title", "the ticket's or the support case's title"),
            Map.entry("to", "sequence number of the last record exported"),
            Map.entry("tokenEngineer", "login of the engineer the access token was issued to"),
            Map.entry("tokenId", "the access token's id (a UUID)"),
            Map.entry("until", "when the block of a source address ends (ISO-8601)"),
            Map.entry("trigger", "what made the Call Home bundle: schedule or admin"),
            Map.entry("truncated", "whether the output was cut at its limit: true or false"),
            Map.entry("type", "the sink's kind, e.g. syslog or webhook"),
            Map.entry("unrecorded", "refusals not recorded because the spill file was full"),
            Map.entry("version", "the appliance's software version (in cluster events: the server node's)"),
            Map.entry("write", "whether engineers may store files in the folder: true or false"),
            Map.entry("node", "the server node's name (server.yaml node)"),
            Map.entry("host", "the machine the server node runs on"),
            Map.entry("pid", "the server node's process id on that machine"),
            Map.entry("otherHost", "the machine of the other process that holds the node's name"),
            Map.entry("otherPid", "that other process's id"),
            Map.entry("holder", "the node that holds the appliance's link lease now"),
            Map.entry("replaced", "the dead process whose name the node took (host pid N), if any"))));

    private EventCatalogue() {}

    /**
     * The catalogue in Markdown: one table, by id, with name, severity (RFC 5424 code), category, meaning and fields;
     * then the fields every event has, and what each event's own fields mean.
     */
    public static String markdown() {
        String rows = Arrays.stream(EventType.values())
                .sorted(Comparator.comparingInt(EventType::id))
                .map(type -> "| " + type.id() + " | `" + type.eventName() + "` | "
                        + type.severity().name().toLowerCase()
                        + " (" + type.severity().code() + ") | " + type.category() + " | " + type.description() + " | "
                        + fields(type) + " |")
                .collect(Collectors.joining("\n"));
        String meanings = FIELD_MEANINGS.entrySet().stream()
                .map(field -> "| `" + field.getKey() + "` | " + field.getValue() + " |")
                .collect(Collectors.joining("\n"));
        return """
                # Audit event catalogue

                Every event the support server and the appliance record, with its stable id: a SIEM rule written
                against an id or a name keeps working across releases (ids are never renumbered or reused). The
                server records the events it witnesses in its hash-chained database log (`sc-server audit list`), the
                appliance those of its own side in its hash-chained file (`sc-appliance audit`). Severities are RFC 5424
                (0 = most severe). Generated from `EventType` (event-catalogue); do not edit by hand.

                | id | name | severity | category | meaning | fields |
                | --- | --- | --- | --- | --- | --- |
                """ + rows + "\n" + """

                ## Fields

                Every record has, where they apply: who acted (`actor`: an engineer's login, `operator:NAME`, an
                appliance serial or `system` on the server; the local user, `server` or `appliance` on the appliance),
                the appliance's serial (server), the ticket, the session id, the peer's address (server) and the outcome (`success` or `failure`; on the appliance also `refused`). The column
                *fields* above lists what else an event may carry; a field is left out of a record when it does not
                apply, and an event emitted by both sides may carry some fields on one side only. On the server they
                are the keys of the record's `details`; on the appliance `target`, `reason`, `bytesToService` and
                `bytesFromService` are fields of the record itself and the others are in its `details`.

                | field | meaning |
                | --- | --- |
                """ + meanings + "\n";
    }

    private static String fields(EventType type) {
        return type.fields().isEmpty()
                ? "—"
                : type.fields().stream().map(field -> "`" + field + "`").collect(Collectors.joining(", "));
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}

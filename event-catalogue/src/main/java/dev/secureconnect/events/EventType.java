package dev.secureconnect.events;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of audit events the server and the appliance emit. Ids are stable forever: a SIEM rule written
 * against an id keeps working across releases. Add new events with new ids; never renumber or reuse one.
 *
 * <p>Each event lists its {@linkplain #fields() fields}: the keys it may carry beyond the ones every event has
 * (actor, appliance, ticket, session, source address, outcome). A field named here must have a meaning in
 * {@link EventCatalogue#FIELD_MEANINGS}; code that starts emitting a new key adds it to both.
 */
public enum EventType {
    // tickets 1000-1099
    TICKET_OPENED(
            1000, "ticket.opened", Severity.NOTICE, "support opened a ticket (number, title, appliance)", "title"),
    TICKET_CLOSED(1001, "ticket.closed", Severity.NOTICE, "support closed a ticket; links stop carrying it"),
    TICKET_REFUSED(
            1002,
            "ticket.refused",
            Severity.WARNING,
            "the server refused a ticket an appliance connected with (unknown, closed, for another appliance)",
            "target",
            "reason"),

    // appliance links 1100-1199
    APPLIANCE_CONNECTED(
            1100,
            "appliance.connected",
            Severity.NOTICE,
            "an appliance link is up (address, version, tickets, services)",
            "version",
            "tickets",
            "services"),
    APPLIANCE_DISCONNECTED(
            1101,
            "appliance.disconnected",
            Severity.NOTICE,
            "an appliance link is down, with the reason (GOAWAY text, dead link, kill switch)",
            "reason"),
    APPLIANCE_CLONE_SUSPECTED(
            1102,
            "appliance.clone-suspected",
            Severity.ALERT,
            "a second link with the certificate of an appliance already connected",
            "existingLink",
            "reason"),
    HANDSHAKE_REFUSED(
            1103,
            "handshake.refused",
            Severity.WARNING,
            "a TLS handshake refused on a listener (revoked, expired, unknown CA, wrong role, no certificate)",
            "listener",
            "target",
            "subject",
            "reason",
            "message"),
    APPLIANCE_CHECKPOINT(
            1110,
            "appliance.checkpoint",
            Severity.INFORMATIONAL,
            "an appliance sent a newer signed checkpoint of its own audit log, verified with its link certificate: its log"
                    + " held checkpointSeq records, the last with checkpointHash, at signedAt",
            "checkpointSeq",
            "checkpointHash",
            "signedAt",
            "previousSeq"),
    APPLIANCE_CHECKPOINT_REFUSED(
            1111,
            "appliance.checkpoint-refused",
            Severity.ALERT,
            "an appliance's audit checkpoint was refused as possible tampering: a bad signature, or a lower seq (or"
                    + " another hash at the same seq) than the checkpoint the server holds (its log was cut or rewritten)",
            "checkpointSeq",
            "checkpointHash",
            "signedAt",
            "storedSeq",
            "reason"),
    SOURCE_BLOCKED(
            1104,
            "source.blocked",
            Severity.WARNING,
            "a source address blocked for a while after repeated failed handshakes, refused access tokens or wrong"
                    + " TOTP codes: its connections are closed at accept, on both listeners",
            "reason",
            "failures",
            "until"),
    SOURCE_UNBLOCKED(
            1105,
            "source.unblocked",
            Severity.NOTICE,
            "the block of a source address ended: lifted by the operator (sc-server blocks remove) or expired",
            "reason"),

    // streams 1200-1299
    STREAM_OPENED(
            1200,
            "stream.opened",
            Severity.NOTICE,
            "a session started: engineer, appliance, ticket, token id, kind (connect, exec, get, put), target",
            "kind",
            "target",
            "tokenId",
            "reason"),
    STREAM_REFUSED(
            1201,
            "stream.refused",
            Severity.WARNING,
            "a session refused by the server or the appliance, with the status and reason",
            "kind",
            "target",
            "tokenId",
            "status",
            "reason"),
    STREAM_CLOSED(
            1202,
            "stream.closed",
            Severity.NOTICE,
            "a session ended: bytes each way, duration, reason",
            "kind",
            "target",
            "tokenId",
            "bytesToAppliance",
            "bytesFromAppliance",
            "bytesToService",
            "bytesFromService",
            "durationMs",
            "reason"),

    // appliance admin 1300-1399
    SECURECONNECT_ENABLED(
            1300, "secureconnect.enabled", Severity.NOTICE, "the appliance admin turned SecureConnect on"),
    SECURECONNECT_DISABLED(
            1301,
            "secureconnect.disabled",
            Severity.NOTICE,
            "the appliance admin turned SecureConnect off (kill switch: every stream and the link closed)"),
    TICKET_CONNECTED(1302, "ticket.connected", Severity.NOTICE, "the appliance admin connected a ticket", "reason"),
    TICKET_DISCONNECTED(
            1303, "ticket.disconnected", Severity.NOTICE, "the appliance admin disconnected a ticket", "reason"),
    SERVICE_ALLOWED(
            1304,
            "service.allowed",
            Severity.NOTICE,
            "the appliance admin allow-listed a loopback service",
            "target",
            "reason"),
    SERVICE_REMOVED(
            1305,
            "service.removed",
            Severity.NOTICE,
            "the appliance admin removed a service from the allow-list",
            "target",
            "reason"),
    CONSOLE_SIGNED_IN(
            1340,
            "console.signed-in",
            Severity.INFORMATIONAL,
            "an appliance admin signed in to the appliance's web console"),
    CONSOLE_SIGN_IN_FAILED(
            1341,
            "console.sign-in-failed",
            Severity.WARNING,
            "a sign-in to the appliance's web console failed (unknown name or wrong password)",
            "reason"),
    CONSOLE_LOCKED(
            1342,
            "console.locked",
            Severity.WARNING,
            "too many failed sign-ins in a row: the console name is locked for a while",
            "reason"),
    CONSOLE_SIGNED_OUT(
            1343,
            "console.signed-out",
            Severity.INFORMATIONAL,
            "an appliance admin signed out of the web console, or was signed out after being idle",
            "reason"),
    CONSOLE_USER_ADDED(
            1344,
            "console.user-added",
            Severity.NOTICE,
            "the appliance admin added a web console account or set its password",
            "target",
            "reason"),
    SESSION_DISCONNECTED(
            1345,
            "session.disconnected",
            Severity.NOTICE,
            "the appliance admin disconnected one open session (its stream is closed at once)",
            "target"),
    CASE_ADMIN_APPROVED(
            1346,
            "case.admin-approved",
            Severity.NOTICE,
            "the appliance admin approved a support case: its ticket is connected, limited to the case's scope until"
                    + " the time given (appliance)",
            "caseId",
            "scope",
            "until"),
    CASE_ADMIN_DECLINED(
            1347,
            "case.admin-declined",
            Severity.NOTICE,
            "the appliance admin declined a support case; the server is told over the link or the next Call Home"
                    + " (appliance)",
            "caseId",
            "reason"),
    CASE_SCOPE_REFUSED(
            1348,
            "case.scope-refused",
            Severity.WARNING,
            "a session request under a case's ticket asked for a service, command or folder outside the case's scope,"
                    + " or came after its time: refused by the appliance whatever the token allowed (appliance)",
            "caseId",
            "label",
            "target"),

    // link as the appliance sees it 1400-1499
    LINK_UP(1400, "link.up", Severity.INFORMATIONAL, "the appliance link to the server is up", "target", "reason"),
    LINK_DOWN(
            1401,
            "link.down",
            Severity.WARNING,
            "the appliance link to the server is down, with the reason",
            "target",
            "reason"),
    LINK_REFUSED(
            1402,
            "link.refused",
            Severity.WARNING,
            "the server refused the appliance link or a ticket, with its reason",
            "target",
            "reason"),
    LINK_RENEWAL_REFUSED(
            1420,
            "link.renewal-refused",
            Severity.WARNING,
            "the server refused the certificate renewal this appliance asked for in its hello, with the server's"
                    + " reason: the new key is dropped and renewal is asked again after a back-off (appliance)",
            "target",
            "reason"),
    LINK_CERTIFICATE_FALLBACK(
            1421,
            "link.certificate-fallback",
            Severity.WARNING,
            "a link dialled with the renewed certificate failed before the server admitted it: the appliance went back"
                    + " to its old certificate (still valid), dropped the renewed one and renews again after a back-off"
                    + " (appliance)",
            "target",
            "fingerprint",
            "reason"),

    // engineers: enrolment and login 1500-1599
    ENGINEER_ENROLLED(
            1500,
            "engineer.enrolled",
            Severity.NOTICE,
            "the operator enrolled an engineer (certificate, TOTP secret issued)",
            "engineer",
            "name",
            "email",
            "certificate"),
    ENGINEER_DISABLED(1501, "engineer.disabled", Severity.NOTICE, "the operator disabled an engineer", "engineer"),
    ENGINEER_ENABLED(1502, "engineer.enabled", Severity.NOTICE, "the operator enabled an engineer again", "engineer"),
    TOTP_RESET(
            1503,
            "engineer.totp-reset",
            Severity.NOTICE,
            "the operator gave an engineer a new TOTP secret",
            "engineer"),
    ENGINEER_SESSIONS_ENDED(
            1504,
            "engineer.sessions-ended",
            Severity.NOTICE,
            "the server ended a disabled or removed engineer's login sessions and open streams",
            "engineer",
            "loginSessions",
            "streams",
            "reason"),
    ENGINEER_CERTIFICATE_UPDATED(
            1505,
            "engineer.certificate-updated",
            Severity.NOTICE,
            "the operator bound an engineer to a new (renewed) certificate; the TOTP secret is kept",
            "engineer",
            "certificate",
            "previousCertificate"),
    ENGINEER_REMOVED(
            1506,
            "engineer.removed",
            Severity.NOTICE,
            "the operator removed an engineer (certificate binding and TOTP secret deleted)",
            "engineer",
            "certificate"),
    LOGIN_OK(
            1510,
            "login.ok",
            Severity.INFORMATIONAL,
            "an engineer logged in (certificate + TOTP)",
            "certificate",
            "timeStep"),
    LOGIN_FAILED(
            1511,
            "login.failed",
            Severity.WARNING,
            "a login failed (wrong code, unknown or disabled engineer)",
            "certificate",
            "reason",
            "failures",
            "timeStep"),
    LOGIN_LOCKED(
            1512,
            "login.locked",
            Severity.WARNING,
            "a login refused because the engineer is locked out after repeated failures",
            "certificate",
            "reason",
            "failures",
            "lockedUntil"),
    TOTP_REPLAY(
            1513,
            "login.totp-replay",
            Severity.WARNING,
            "a TOTP code (time step) presented a second time",
            "certificate",
            "reason",
            "failures",
            "timeStep"),
    LOGOUT(1514, "logout", Severity.INFORMATIONAL, "an engineer logged out", "certificate"),

    // access tokens 1600-1699
    TOKEN_ISSUED(
            1600,
            "token.issued",
            Severity.NOTICE,
            "an access token issued: engineer, appliance, ticket, token id, expiry, reason; for a support case, the case"
                    + " and the scope the token is limited to",
            "tokenId",
            "expiresAt",
            "reason",
            "caseId",
            "scope"),
    TOKEN_REFUSED(
            1601,
            "token.refused",
            Severity.WARNING,
            "an access token refused, at issue or on use, with the reason (expired, revoked, wrong-audience, ...)",
            "kind",
            "target",
            "tokenId",
            "tokenEngineer",
            "label",
            "reason",
            "message",
            "reportedBy"),
    TOKEN_REVOKED(
            1602,
            "token.revoked",
            Severity.NOTICE,
            "the operator revoked an access token",
            "tokenId",
            "engineer",
            "expiresAt",
            "reason"),
    TOKEN_MISUSED(
            1603,
            "token.misused",
            Severity.ALERT,
            "an access token presented by someone it was not issued to (another engineer certificate)",
            "kind",
            "target",
            "tokenId",
            "tokenEngineer",
            "label",
            "reason",
            "message"),
    TOKEN_KEY_ROTATED(
            1604,
            "token-key.rotated",
            Severity.NOTICE,
            "the operator rotated the token-signing key: new tokens are signed with the new key, the previous one"
                    + " verifies until it retires; the new key set, signed by the previous key, goes to every appliance",
            "keyId",
            "previousKeyId",
            "generation",
            "keyIds",
            "retireAt"),
    TOKEN_KEY_INSTALLED(
            1605,
            "token-key.installed",
            Severity.NOTICE,
            "an appliance installed a token key set the server sent over the link, signed by a key it trusted (on the"
                    + " server: as the appliance reported it)",
            "generation",
            "keyIds",
            "signedBy",
            "reportedBy",
            "reason"),
    TOKEN_KEY_REFUSED(
            1606,
            "token-key.refused",
            Severity.WARNING,
            "an appliance refused a token key set sent over the link (not signed by a key it trusts, forged, older than"
                    + " its own); it keeps the set it had (on the server: as the appliance reported it)",
            "generation",
            "reportedBy",
            "reason"),
    TOKEN_SCOPE_REFUSED(
            1607,
            "token.scope-refused",
            Severity.WARNING,
            "a stream outside the scope of its support case's token (a service, command or folder the case does not"
                    + " name): refused by the server's gate before it reached the appliance (server)",
            "caseId",
            "kind",
            "target",
            "tokenId",
            "message"),

    // commands and files 1700-1799 (sessions themselves are the stream events 1200-1299)
    COMMAND_RUN(
            1710,
            "command.run",
            Severity.NOTICE,
            "a catalogue command ran for an engineer: name, arguments, exit status, output size",
            "kind",
            "target",
            "tokenId",
            "name",
            "args",
            "exitStatus",
            "bytes",
            "truncated",
            "timedOut",
            "reason"),
    COMMAND_REFUSED(
            1711,
            "command.refused",
            Severity.WARNING,
            "a command refused (unknown name, arguments not allowed)",
            "kind",
            "target",
            "tokenId",
            "name",
            "args",
            "reason"),
    FILE_GET(
            1720,
            "file.get",
            Severity.NOTICE,
            "an engineer fetched a file: path, size, SHA-256",
            "kind",
            "target",
            "tokenId",
            "path",
            "size",
            "sha256",
            "sent",
            "reason"),
    FILE_PUT(
            1721,
            "file.put",
            Severity.NOTICE,
            "an engineer stored a file: path, size, SHA-256",
            "kind",
            "target",
            "tokenId",
            "path",
            "size",
            "sha256"),
    FILE_REFUSED(
            1722,
            "file.refused",
            Severity.WARNING,
            "a file request refused (outside the allowed folders, traversal, link, not writable)",
            "kind",
            "target",
            "tokenId",
            "path",
            "received",
            "reason"),

    // appliance admin: commands catalogue, file folders, token key 1800-1899
    COMMAND_ALLOWED(
            1800,
            "command.allowed",
            Severity.NOTICE,
            "the appliance admin added a command to the catalogue",
            "target",
            "name",
            "argv",
            "timeout",
            "maxOutputBytes",
            "allowArgs",
            "allowOptions",
            "argPatterns",
            "reason"),
    COMMAND_REMOVED(
            1801,
            "command.removed",
            Severity.NOTICE,
            "the appliance admin removed a command from the catalogue",
            "target",
            "name"),
    FOLDER_ALLOWED(
            1802,
            "folder.allowed",
            Severity.NOTICE,
            "the appliance admin allowed a folder for file transfers",
            "target",
            "path",
            "write",
            "reason"),
    FOLDER_REMOVED(
            1803, "folder.removed", Severity.NOTICE, "the appliance admin removed an allowed folder", "target", "path"),
    REVOCATIONS_RECEIVED(
            1804,
            "token.revocations-received",
            Severity.INFORMATIONAL,
            "the appliance received the list of revoked tokens from the server",
            "count",
            "added",
            "kept",
            "reason"),
    TOKEN_KEY_PINNED(
            1805,
            "token-key.pinned",
            Severity.NOTICE,
            "the appliance admin pinned the token-verification key of the server",
            "target",
            "keyIds",
            "reason"),

    // the audit log and its export 1900-1999
    AUDIT_CHECKPOINT(
            1900,
            "audit.checkpoint",
            Severity.INFORMATIONAL,
            "the server signed the chain head with its audit key (this record is the one signed; export sinks receive it"
                    + " with the signature in detail jws)",
            "previousCheckpoint",
            "keyId"),
    SINK_DELIVERY_FAILING(
            1910,
            "sink.delivery-failing",
            Severity.ERROR,
            "an export sink or the mail notifier stopped delivering (receiver down, refused, TLS error); retrying",
            "sink",
            "type",
            "target",
            "error",
            "deliveredSeq"),
    SINK_DELIVERY_RECOVERED(
            1911,
            "sink.delivery-recovered",
            Severity.NOTICE,
            "an export sink or the mail notifier delivers again; nothing was lost while it was failing",
            "sink",
            "type",
            "target",
            "deliveredSeq",
            "failedFor"),
    SINK_ADDED(
            1912,
            "sink.added",
            Severity.NOTICE,
            "the operator added or changed an export sink",
            "sink",
            "type",
            "target",
            "format"),
    SINK_REMOVED(1913, "sink.removed", Severity.NOTICE, "the operator removed an export sink", "sink"),
    SINK_TEST(1914, "sink.test", Severity.INFORMATIONAL, "the operator sent a test event to one export sink", "sink"),
    AUDIT_EXPORTED(
            1920,
            "audit.exported",
            Severity.NOTICE,
            "the operator exported a range of the audit log as a verifiable bundle",
            "from",
            "to",
            "signedThrough",
            "file"),
    AUDIT_DEGRADED(
            1930,
            "audit.degraded",
            Severity.ERROR,
            "the audit log cannot be written (on the server the database cannot commit: locked, full or down; on the"
                    + " appliance audit.log cannot be appended: full or read-only file system): new sessions (on the"
                    + " server also logins and tokens) are refused, and the records of what already happened are held"
                    + " in the fsynced spill file until the log is back; written first into the spill file, appended"
                    + " with it",
            "error",
            "spilled"),
    AUDIT_RECOVERED(
            1931,
            "audit.recovered",
            Severity.NOTICE,
            "the audit log commits again (server or appliance): the spilled records were appended, in order, just"
                    + " before this one (each with spilledAt, the time it was spilled)",
            "appended",
            "unrecorded",
            "degradedFor"),

    // call home 2000-2099
    CALLHOME_SENT(
            2000,
            "callhome.sent",
            Severity.INFORMATIONAL,
            "the appliance sent a diagnostic bundle and the server stored it (appliance); sha256 is of the bundle's"
                    + " JSON, exactly as sent",
            "bundleId",
            "trigger",
            "sha256",
            "size"),
    CALLHOME_SPOOLED(
            2001,
            "callhome.spooled",
            Severity.WARNING,
            "the appliance could not send a bundle and keeps it in its spool to send, in order, when the server is back"
                    + " (appliance)",
            "bundleId",
            "trigger",
            "sha256",
            "error"),
    CALLHOME_DROPPED(
            2002,
            "callhome.dropped",
            Severity.WARNING,
            "the appliance's spool was full and dropped its oldest bundle (or a bundle over the cap was refused);"
                    + " the next bundle that leaves reports it (appliance)",
            "bundleId",
            "reason"),
    CALLHOME_ENABLED(
            2003, "callhome.enabled", Severity.NOTICE, "the appliance admin turned scheduled Call Home on (appliance)"),
    CALLHOME_DISABLED(
            2004,
            "callhome.disabled",
            Severity.NOTICE,
            "the appliance admin turned scheduled Call Home off; bundles are sent only on demand (appliance)"),
    CALLHOME_RECEIVED(
            2010,
            "callhome.received",
            Severity.INFORMATIONAL,
            "the server stored a diagnostic bundle from an appliance (server)",
            "bundleId",
            "trigger",
            "version",
            "sha256",
            "size"),
    CALLHOME_REFUSED(
            2011,
            "callhome.refused",
            Severity.WARNING,
            "the server refused a diagnostic bundle: over the cap, malformed, for another appliance's serial, or a"
                    + " replayed id with other content (server)",
            "bundleId",
            "status",
            "reason"),
    CALLHOME_MISSED(
            2012,
            "callhome.missed",
            Severity.WARNING,
            "an appliance that sends bundles sent none for two intervals and the slack: raised once per gap (server)",
            "lastReceived",
            "expectedBy"),
    CASE_OPENED(
            2020,
            "case.opened",
            Severity.WARNING,
            "an alert rule fired on a Call Home bundle (or a missed heartbeat) and opened a support case for the"
                    + " appliance, with the access scope it needs (server)",
            "caseId",
            "rule",
            "title",
            "severity",
            "bundleId",
            "dedupKey",
            "scope"),
    CASE_CLOSED(
            2021, "case.closed", Severity.NOTICE, "the operator closed a support case (server)", "caseId", "reason"),
    CASE_RULES_LOADED(
            2022,
            "case.rules-loaded",
            Severity.NOTICE,
            "the server read its alert rules (rules.yaml) at start or after a change (server)",
            "file",
            "rules",
            "sha256"),
    CASE_RULES_REFUSED(
            2023,
            "case.rules-refused",
            Severity.ERROR,
            "rules.yaml changed but is not valid (unknown field, bad regex, bad threshold): the rules in force stay"
                    + " (server)",
            "file",
            "reason"),
    CASE_APPROVED(
            2024,
            "case.approved",
            Severity.NOTICE,
            "the appliance's admin approved a support case: its ticket was offered on the link (server)",
            "caseId",
            "until"),
    CASE_DECLINED(
            2025,
            "case.declined",
            Severity.NOTICE,
            "the appliance's admin declined a support case (server)",
            "caseId",
            "reason"),
    // enrolment and appliance certificates 2100-2199
    ENROLMENT_CA_IMPORTED(
            2100,
            "enrolment-ca.imported",
            Severity.NOTICE,
            "the operator gave the server an enrolment CA (sc-pki issue enrolment-ca) to sign appliance certificates"
                    + " with: its subject, fingerprint and expiry",
            "subject",
            "fingerprint",
            "until"),
    ENROLMENT_INVITED(
            2101,
            "enrolment.invited",
            Severity.NOTICE,
            "the operator made a one-time enrolment code for an appliance serial (only its id is recorded, never the"
                    + " code)",
            "codeId",
            "expiresAt",
            "replace"),
    ENROLMENT_INVITE_REVOKED(
            2102,
            "enrolment.invite-revoked",
            Severity.NOTICE,
            "the unused enrolment code of an appliance serial was revoked: by the operator, or after too many refused"
                    + " attempts (reason)",
            "codeId",
            "reason"),
    APPLIANCE_ENROLLED(
            2103,
            "appliance.enrolled",
            Severity.NOTICE,
            "an appliance enrolled with its one-time code: the server signed the certificate of the key the appliance"
                    + " made (fingerprint, expiry)",
            "codeId",
            "fingerprint",
            "until"),
    ENROLMENT_REFUSED(
            2104,
            "enrolment.refused",
            Severity.WARNING,
            "an enrolment was refused (malformed, unknown, used, expired or revoked code, a code for another serial, a"
                    + " bad certificate request, a serial that holds a valid certificate): nothing was signed",
            "codeId",
            "reason"),
    CERTIFICATE_RENEWED(
            2105,
            "certificate.renewed",
            Severity.NOTICE,
            "an appliance's certificate was renewed over its link with a new key pair: signed by the server, or"
                    + " installed by the appliance (old and new fingerprints, the new one's expiry)",
            "oldFingerprint",
            "fingerprint",
            "until"),
    CERTIFICATE_RENEWAL_REFUSED(
            2106,
            "certificate.renewal-refused",
            Severity.WARNING,
            "an appliance's renewal was refused (a revoked or replaced certificate, one the enrolment CA did not sign,"
                    + " a bad certificate request or one for another serial; on the appliance: a certificate that does"
                    + " not match its new key or root): nothing was signed or installed",
            "fingerprint",
            "reportedBy",
            "reason"),
    APPLIANCE_REVOKED(
            2107,
            "appliance.revoked",
            Severity.WARNING,
            "the operator revoked every unexpired certificate of an appliance (sc-server appliances revoke): its link"
                    + " is closed and refused, it comes back only with a new code made with --replace",
            "fingerprints",
            "reason"),
    // cluster 2200-2249
    CLUSTER_NODE_JOINED(
            2200,
            "cluster.node-joined",
            Severity.NOTICE,
            "a server node started and took its name in the cluster's node table (the previous holder of the name, if"
                    + " any, had stopped or crashed)",
            "node",
            "host",
            "pid",
            "version",
            "replaced"),
    CLUSTER_NODE_REFUSED(
            2201,
            "cluster.node-refused",
            Severity.ERROR,
            "a server refused to start: a live node (its heartbeat within its lease) already has the same name; give"
                    + " every node its own name (server.yaml node)",
            "node",
            "host",
            "pid",
            "otherHost",
            "otherPid"),
    CLUSTER_NODE_DISPLACED(
            2202,
            "cluster.node-displaced",
            Severity.ERROR,
            "a running node found its name taken by another process (its own heartbeat had stopped for longer than its"
                    + " lease): two processes share one name until one stops",
            "node",
            "otherHost",
            "otherPid"),
    CLUSTER_LINK_LEASE_LOST(
            2203,
            "cluster.link-lease-lost",
            Severity.WARNING,
            "a node dropped an appliance's link because another node took the appliance's link lease (the appliance's"
                    + " newer connection reached that node)",
            "node",
            "holder",
            "reason");

    private static final Map<Integer, EventType> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::id, Function.identity()));

    /** The categories, by the hundreds of the id. */
    private static final Map<Integer, String> CATEGORIES = Map.ofEntries(
            Map.entry(10, "tickets"),
            Map.entry(11, "appliance links"),
            Map.entry(12, "sessions"),
            Map.entry(13, "appliance admin"),
            Map.entry(14, "appliance link"),
            Map.entry(15, "engineers and logins"),
            Map.entry(16, "access tokens"),
            Map.entry(17, "commands and files"),
            Map.entry(18, "appliance access settings"),
            Map.entry(19, "audit and export"),
            Map.entry(20, "call home"),
            Map.entry(21, "enrolment and appliance certificates"),
            Map.entry(22, "cluster"));

    private final int id;
    private final String eventName;
    private final Severity severity;
    private final String description;
    private final List<String> fields;

    EventType(int id, String eventName, Severity severity, String description, String... fields) {
        this.id = id;
        this.eventName = eventName;
        this.severity = severity;
        this.description = description;
        this.fields = List.of(fields);
    }

    public int id() {
        return id;
    }

    /** The dotted name SIEM rules and listings show, e.g. {@code stream.opened}. */
    public String eventName() {
        return eventName;
    }

    public Severity severity() {
        return severity;
    }

    /** What happened, in one line for a person reading a SIEM rule or {@code docs/events.md}. */
    public String description() {
        return description;
    }

    /**
     * The keys this event may carry beyond the ones every event has, what the event is about first and why last; a
     * key is left out of a record when it does not apply. On the server they are the keys of the record's
     * {@code details}; on the appliance {@code target}, {@code reason}, {@code bytesToService} and
     * {@code bytesFromService} are fields of the record itself and the others are in its {@code details}.
     */
    public List<String> fields() {
        return fields;
    }

    /** The category SIEM filters group events by ({@code sessions}, {@code access tokens}, ...): the id's hundreds. */
    @SuppressWarnings("NullAway") // CATEGORIES names the hundreds of every id
    public String category() {
        return CATEGORIES.get(id / 100);
    }

    public static EventType byId(int id) {
        EventType type = BY_ID.get(id);
        if (type == null) {
            throw new IllegalArgumentException("unknown audit event id " + id);
        }
        return type;
    }
}

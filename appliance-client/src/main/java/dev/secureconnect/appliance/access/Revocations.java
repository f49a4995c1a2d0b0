package dev.secureconnect.appliance.access;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.token.AccessTokenVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The access tokens the server revoked, as it pushes them on {@code POST /v1/revocations}: the union of every push,
 * each id kept until its token has expired (plus the verifier's clock skew), persisted in
 * {@code DIR/revoked-tokens.json} so a daemon restart forgets none. Thread-safe.
 */
public final class Revocations {

    /** The wire and file form: {@code {"revoked": [{"id": "uuid", "expiresAt": "ISO"}]}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Document(List<Entry> revoked) {
        public Document {
            revoked = revoked == null ? List.of() : List.copyOf(revoked);
        }
    }

    /** One revoked token. */
    public record Entry(UUID id, String expiresAt) {
        public Entry {
            if (id == null) {
                throw new ApplianceException("revoked: an entry has no id");
            }
            if (expiresAt == null) {
                throw new ApplianceException("revoked: entry " + id + " has no expiresAt");
            }
            try {
                Instant.parse(expiresAt);
            } catch (java.time.format.DateTimeParseException e) {
                throw new ApplianceException(
                        "revoked: entry " + id + " has expiresAt '" + expiresAt
                                + "' (expected an ISO-8601 instant such as 2030-01-01T00:00:00Z)",
                        e);
            }
        }

        Instant expiry() {
            return Instant.parse(expiresAt);
        }
    }

    /** What a push changed. */
    public record Merge(int received, int added, int kept, Set<UUID> all) {}

    private final ApplianceDirectory directory;
    private final Clock clock;
    private final Map<UUID, Instant> revoked = new LinkedHashMap<>(); // guarded by this

    private Revocations(ApplianceDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /**
     * The revocations persisted in {@code directory} (none when the file is missing).
     *
     * @throws ApplianceException if the file is damaged: the daemon does not start without knowing what was revoked
     */
    public static Revocations load(ApplianceDirectory directory, Clock clock) {
        Revocations revocations =
                new Revocations(requireNonNull(directory, "directory"), requireNonNull(clock, "clock"));
        Document saved = directory.readDocument(directory.revokedTokensFile(), Document.class, new Document(List.of()));
        synchronized (revocations) {
            saved.revoked().forEach(entry -> revocations.revoked.merge(entry.id(), entry.expiry(), Revocations::later));
        }
        return revocations;
    }

    /** Parses a push's body. */
    public static Document parse(byte[] body) {
        try {
            Document document = Json.COMPACT.readValue(body, Document.class);
            if (document == null) {
                throw new ApplianceException("empty revocation list (expected {\"revoked\": [...]})");
            }
            return document;
        } catch (JsonProcessingException e) {
            throw new ApplianceException("revocation list: " + Json.problem(e), e);
        } catch (java.io.IOException e) {
            throw new ApplianceException("revocation list cannot be read", e);
        }
    }

    /** Whether token {@code id} has been revoked. */
    public synchronized boolean contains(UUID id) {
        return revoked.containsKey(id);
    }

    public synchronized int size() {
        return revoked.size();
    }

    /** Adds a push to what is known, drops what has expired and persists the result atomically. */
    public synchronized Merge merge(Document push) {
        Instant now = clock.instant();
        int before = revoked.size();
        for (Entry entry : push.revoked()) {
            revoked.merge(entry.id(), entry.expiry(), Revocations::later);
        }
        int afterAdd = revoked.size();
        // a token stays usable up to the clock skew past its expiry: keep its revocation that long too
        revoked.values()
                .removeIf(expiresAt ->
                        expiresAt.plus(AccessTokenVerifier.MAX_CLOCK_SKEW).isBefore(now));
        List<Entry> entries = revoked.entrySet().stream()
                .map(e -> new Entry(e.getKey(), e.getValue().toString()))
                .toList();
        directory.updateDocument(
                directory.revokedTokensFile(), Document.class, new Document(List.of()), old -> new Document(entries));
        return new Merge(push.revoked().size(), afterAdd - before, revoked.size(), Set.copyOf(revoked.keySet()));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}

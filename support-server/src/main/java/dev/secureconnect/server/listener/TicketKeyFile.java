package dev.secureconnect.server.listener;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.tls.SessionTicketKey;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.token.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys the appliance listener seals its TLS session tickets with ({@link SslContexts#useSessionTicketKeys}), kept
 * in {@code DIR/}{@value #RELATIVE_FILE} so that appliances resume their sessions after the server restarts, a
 * {@code kill -9} included: a resumed handshake skips the certificates' RSA signatures, which is what a reconnect
 * storm costs.
 *
 * <p><b>Rotation.</b> A new key every {@link #ROTATION}; the previous one is kept one more period, to open the tickets
 * it sealed (a ticket opened with it is replaced by one sealed with the new key); older keys are dropped. A session
 * stays resumable for {@link #SESSION_LIFETIME}, one period, so no ticket outlives the key that opens it. The check
 * runs at start and then hourly ({@link #current}); the file is rewritten only when a key is added or dropped.
 *
 * <p><b>The file.</b> Mode 0600 in a 0700 folder ({@link DurableFiles.Access#OWNER_ONLY}), written whole or not at
 * all. Text: a comment, then one key a line, newest first: {@code v1 CREATED BASE64}, 48 bytes (see
 * {@link SessionTicketKey}). Not encrypted: a key to decrypt it would sit in the same folder, as the server's TLS key
 * does; what protects it is what protects {@code key.pem}. Whoever reads it can resume the sessions its keys sealed
 * (as the appliance, whose certificate is still checked against the CRL, or as the server towards the appliance)
 * until they expire, but cannot read recorded traffic: TLS 1.3 resumes with a fresh ECDHE exchange
 * ({@code psk_dhe_ke}).
 *
 * <p><b>Problems.</b> The keys are a cache, not a secret anything else depends on: lost, they cost each appliance one
 * full handshake. So a file that is missing, unreadable, garbled or readable by others is not refused: it is replaced
 * by a fresh key, with one warning naming the file and the problem (a key others could read is one to stop using at
 * once). If the file cannot be written, the keys live in memory only, with a warning: sessions then do not resume
 * after the next restart. Thread-safe.
 */
public final class TicketKeyFile {

    /** Where the keys are, relative to the server directory. */
    public static final String RELATIVE_FILE = "keys/tls-session-tickets.keys";

    /** How long a key seals new tickets before a new one takes over; it opens them one more period. */
    public static final Duration ROTATION = Duration.ofHours(24);

    /** How long a session stays resumable after its full handshake: one rotation. */
    public static final Duration SESSION_LIFETIME = ROTATION;

    private static final Logger LOG = LoggerFactory.getLogger(TicketKeyFile.class);
    private static final String WHAT = "TLS session ticket key file";
    private static final String FORMAT = "v1";
    private static final int KEPT = 2;

    private final Path file;
    private final Clock clock;
    /** The keys in force, newest first; empty until first read. Guarded by {@code this}. */
    private List<SessionTicketKey> keys = List.of();

    private TicketKeyFile(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The ticket keys of the server directory {@code serverDir}, read on first use. */
    public static TicketKeyFile in(Path serverDir, Clock clock) {
        requireNonNull(serverDir, "serverDir");
        return new TicketKeyFile(
                serverDir.toAbsolutePath().normalize().resolve(RELATIVE_FILE), requireNonNull(clock, "clock"));
    }

    /** The key file. */
    public Path file() {
        return file;
    }

    /**
     * The keys in force now, newest first (one or two): read from the file the first time, a new one made when the
     * newest is {@link #ROTATION} old, those older than two periods dropped; the file is rewritten when they change.
     */
    public synchronized List<SessionTicketKey> current() {
        Instant now = clock.instant();
        List<SessionTicketKey> known = keys.isEmpty() ? read() : keys;
        List<SessionTicketKey> kept = new ArrayList<>();
        for (SessionTicketKey key : known) {
            boolean tooOld = !key.created().isAfter(now.minus(ROTATION.multipliedBy(KEPT)));
            boolean future = key.created().isAfter(now.plus(ROTATION));
            if (!tooOld && !future && kept.size() < KEPT) {
                kept.add(key);
            }
        }
        if (kept.isEmpty() || !kept.get(0).created().isAfter(now.minus(ROTATION))) {
            kept.add(0, SessionTicketKey.generate(now));
            if (kept.size() > KEPT) {
                kept.remove(KEPT);
            }
        }
        List<SessionTicketKey> next = List.copyOf(kept);
        if (!next.equals(known)) {
            write(next);
        }
        keys = next;
        return next;
    }

    /** The keys in the file, newest first; none (with a warning) if it is unusable, none if it does not exist. */
    private List<SessionTicketKey> read() {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            OwnerOnlyFiles.requireOwnerOnly(file, WHAT);
            byte[] content = OwnerOnlyFiles.read(file);
            try {
                return parse(new String(content, US_ASCII));
            } finally {
                Arrays.fill(content, (byte) 0);
            }
        } catch (CryptoException | IllegalArgumentException e) {
            LOG.warn(
                    "{}: replaced with a new key (appliances make one full TLS handshake each)",
                    String.valueOf(e.getMessage()).replaceFirst(": run chmod 600 .*$", ""));
        } catch (IOException e) {
            LOG.warn(
                    "{} {} cannot be read ({}): replaced with a new key (appliances make one full TLS handshake each)",
                    WHAT,
                    file,
                    e.toString());
        }
        return List.of();
    }

    private List<SessionTicketKey> parse(String text) {
        List<SessionTicketKey> parsed = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            String[] fields = stripped.split(" ");
            byte[] bytes = null;
            try {
                if (fields.length != 3 || !fields[0].equals(FORMAT)) {
                    throw garbled(null);
                }
                Instant created = Instant.parse(fields[1]);
                bytes = Base64.getDecoder().decode(fields[2]);
                parsed.add(new SessionTicketKey(created, bytes));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw garbled(e);
            } finally {
                if (bytes != null) {
                    Arrays.fill(bytes, (byte) 0);
                }
            }
        }
        if (parsed.isEmpty()) {
            throw garbled(null);
        }
        return parsed;
    }

    private CryptoException garbled(@Nullable Exception cause) {
        return new CryptoException(
                WHAT + " " + file + " is garbled (expected lines '" + FORMAT + " CREATED BASE64' of "
                        + SessionTicketKey.BYTES + " bytes)",
                cause);
    }

    private void write(List<SessionTicketKey> next) {
        StringBuilder text = new StringBuilder("# SecureConnect TLS session ticket keys, newest first; rotated every ")
                .append(ROTATION.toHours())
                .append(" h. Secret: owner only.\n");
        for (SessionTicketKey key : next) {
            byte[] bytes = key.bytes();
            text.append(FORMAT)
                    .append(' ')
                    .append(key.created())
                    .append(' ')
                    .append(Base64.getEncoder().encodeToString(bytes))
                    .append('\n');
            Arrays.fill(bytes, (byte) 0);
        }
        byte[] content = text.toString().getBytes(US_ASCII);
        try {
            DurableFiles.write(file, content, DurableFiles.Access.OWNER_ONLY);
            LOG.info(
                    "{} {} written: key {} seals new tickets, {} kept",
                    WHAT,
                    file,
                    next.get(0).name(),
                    next.size());
        } catch (IOException e) {
            LOG.warn(
                    "cannot write {} {} ({}): the ticket keys live in memory only, so sessions will not resume after"
                            + " the next restart",
                    WHAT,
                    file,
                    e.toString());
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }
}

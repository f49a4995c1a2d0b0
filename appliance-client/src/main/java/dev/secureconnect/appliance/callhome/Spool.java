package dev.secureconnect.appliance.callhome;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundles waiting for the server, oldest first: one file each in {@code DIR/callhome/spool}, named
 * {@code SEQ_ID_SHA256.json.gz} so that the order survives a restart. Bounded by count and bytes: adding past either
 * bound drops the oldest bundles first, and says which, so the caller can record the drop and report it in the next
 * bundle. Not thread-safe: the Call Home worker alone uses it.
 */
public final class Spool {

    private static final Pattern NAME = Pattern.compile("([0-9]{20})_([0-9a-f-]{36})_([0-9a-f]{64})\\.json\\.gz");

    /** One bundle in the spool. */
    public record Entry(Path file, long seq, String id, String sha256, long bytes) {}

    private final Path folder;
    private final int maxBundles;
    private final long maxBytes;

    public Spool(Path folder, int maxBundles, long maxBytes) {
        this.folder = folder;
        this.maxBundles = maxBundles;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds a bundle after the others, then drops the oldest while over a bound (never the one just added).
     *
     * @return the entries dropped, oldest first
     */
    public List<Entry> add(String id, String sha256, byte[] compressed) {
        List<Entry> entries = entries();
        long seq = entries.isEmpty() ? 1 : entries.get(entries.size() - 1).seq() + 1;
        Path file = folder.resolve(String.format("%020d_%s_%s.json.gz", seq, id, sha256));
        try {
            DurableFiles.write(file, compressed, DurableFiles.Access.OWNER_ONLY);
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot spool bundle " + id + " in " + folder + ": " + OneLine.of(e.getMessage()), e);
        }
        entries.add(new Entry(file, seq, id, sha256, compressed.length));
        List<Entry> dropped = new ArrayList<>();
        long bytes = entries.stream().mapToLong(Entry::bytes).sum();
        while (entries.size() > 1 && (entries.size() > maxBundles || bytes > maxBytes)) {
            Entry oldest = entries.remove(0);
            remove(oldest);
            bytes -= oldest.bytes();
            dropped.add(oldest);
        }
        return dropped;
    }

    /** The bundles waiting, oldest first. */
    public List<Entry> entries() {
        if (!Files.isDirectory(folder)) {
            return new ArrayList<>();
        }
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (name.matches() && Files.isRegularFile(file)) {
                    entries.add(new Entry(
                            file, Long.parseLong(name.group(1)), name.group(2), name.group(3), Files.size(file)));
                }
            }
        } catch (IOException e) {
            throw new ApplianceException("cannot read the spool " + folder + ": " + OneLine.of(e.getMessage()), e);
        }
        entries.sort(Comparator.comparingLong(Entry::seq));
        return entries;
    }

    public byte[] read(Entry entry) {
        try {
            return Files.readAllBytes(entry.file());
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot read spooled bundle " + entry.id() + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    /** Forgets a bundle (sent, or dropped). */
    public void remove(Entry entry) {
        try {
            Files.deleteIfExists(entry.file());
        } catch (IOException e) {
            throw new ApplianceException(
                    "cannot remove spooled bundle " + entry.id() + ": " + OneLine.of(e.getMessage()), e);
        }
    }
}

package dev.secureconnect.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Every file and folder under a directory with its bytes and permissions, to show that a refused command left a
 * directory exactly as it was.
 */
public record DirectorySnapshot(Path root, Map<String, Entry> entries) {

    /** One file or folder: its mode and, for a file, its content. */
    public record Entry(String mode, byte @Nullable [] content) {
        boolean sameAs(Entry other) {
            return mode.equals(other.mode) && java.util.Arrays.equals(content, other.content);
        }

        @Override
        public String toString() {
            return content == null
                    ? "folder " + mode
                    : mode + " " + content.length + " bytes, sha256 " + sha256(content);
        }
    }

    public static DirectorySnapshot of(Path root) {
        Map<String, Entry> entries = new TreeMap<>();
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.toList()) {
                    String mode = PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                    String name = root.relativize(path).toString();
                    entries.put(
                            name.isEmpty() ? "." : name,
                            new Entry(
                                    mode,
                                    Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                                            ? null
                                            : Files.readAllBytes(path)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new DirectorySnapshot(root, Map.copyOf(entries));
    }

    /** What changed under the root since this snapshot: one line per added, removed or altered entry. */
    public List<String> changesSince() {
        DirectorySnapshot now = of(root);
        List<String> changes = new ArrayList<>();
        Map<String, Entry> sortedBefore = new TreeMap<>(entries);
        for (Map.Entry<String, Entry> before : sortedBefore.entrySet()) {
            Entry after = now.entries.get(before.getKey());
            if (after == null) {
                changes.add("removed " + before.getKey());
            } else if (!after.sameAs(before.getValue())) {
                changes.add("changed " + before.getKey() + ": " + before.getValue() + " -> " + after);
            }
        }
        for (String name : new TreeMap<>(now.entries).keySet()) {
            if (!entries.containsKey(name)) {
                changes.add("added " + name + ": " + now.entries.get(name));
            }
        }
        return changes;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(content))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

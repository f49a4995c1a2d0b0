package dev.secureconnect.appliance.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every file and folder under a directory with its bytes and mode, to show a refused command changed nothing. */
public record DirectorySnapshot(Path root, Map<String, String> entries) {

    public static DirectorySnapshot of(Path root) {
        Map<String, String> entries = new TreeMap<>();
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                    String content = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "folder"
                            : Integer.toHexString(Arrays.hashCode(Files.readAllBytes(path)));
                    entries.put(root.relativize(path).toString(), mode + " " + content);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new DirectorySnapshot(root, Map.copyOf(entries));
    }

    /** What changed since this snapshot, one line per added, removed or altered entry. */
    public List<String> changesSince() {
        Map<String, String> now = of(root).entries();
        List<String> changes = new ArrayList<>();
        new TreeMap<>(entries).forEach((name, before) -> {
            String after = now.get(name);
            if (after == null) {
                changes.add("removed " + name);
            } else if (!after.equals(before)) {
                changes.add("changed " + name);
            }
        });
        new TreeMap<>(now).keySet().stream().filter(name -> !entries.containsKey(name)).forEach(name -> changes.add("added " + name));
        return changes;
    }
}

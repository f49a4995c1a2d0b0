package dev.secureconnect.appliance.files;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code DIR/folders.json}: {@code {"folders": [{"path": "/var/log/app", "write": false}, …]}}. Read under the
 * directory's lock on every file request, so a change applies to the next one without a daemon reload.
 */
public record FolderList(List<FolderEntry> folders) {

    public static final int MAX_FOLDERS = 64;
    public static final FolderList EMPTY = new FolderList(List.of());

    public FolderList {
        folders = folders == null ? List.of() : List.copyOf(folders);
        if (folders.size() > MAX_FOLDERS) {
            throw new ApplianceException(
                    "folders: " + folders.size() + " entries (expected: at most " + MAX_FOLDERS + ")");
        }
    }

    public static FolderList read(ApplianceDirectory directory) {
        return directory.readDocument(directory.foldersFile(), FolderList.class, EMPTY);
    }

    /**
     * The real path of the folder {@code given} names: it must exist and be a directory.
     *
     * @throws ApplianceException naming what is wrong
     */
    public static Path realFolder(Path given) {
        if (!given.isAbsolute()) {
            given = given.toAbsolutePath();
        }
        try {
            Path real = given.toRealPath();
            if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new ApplianceException(given + " is not a folder");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new ApplianceException("folder " + given + " does not exist", e);
        } catch (IOException e) {
            throw new ApplianceException("folder " + given + " cannot be resolved: " + OneLine.of(e.getMessage()), e);
        }
    }

    /** This list with {@code entry}, replacing an entry for the same folder (so its access can change). */
    public FolderList with(FolderEntry entry) {
        List<FolderEntry> changed = new ArrayList<>(
                folders.stream().filter(f -> !f.path().equals(entry.path())).toList());
        changed.add(entry);
        return new FolderList(changed);
    }

    /** The entry for {@code given}: matched by its real path when it still exists, else literally. */
    public Optional<FolderEntry> find(Path given) {
        String literal = given.toAbsolutePath().normalize().toString();
        String real = literal;
        try {
            real = given.toAbsolutePath().toRealPath().toString();
        } catch (IOException e) {
            // the folder is gone: match what was stored
        }
        String resolved = real;
        return folders.stream()
                .filter(f -> f.path().equals(resolved) || f.path().equals(literal))
                .findFirst();
    }

    public FolderList without(FolderEntry entry) {
        List<FolderEntry> changed = new ArrayList<>(folders);
        changed.remove(entry);
        return new FolderList(changed);
    }
}

package dev.secureconnect.appliance.files;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Decides a file request against the allowed folders, before anything is opened. A path must be absolute, have no
 * {@code .} or {@code ..} segment, and its <em>real</em> path (every symbolic link resolved) must lie inside an
 * allowed folder — so a link inside a folder that points out of it is refused like the path it points to.
 *
 * <ul>
 *   <li>get: the file is a regular file;</li>
 *   <li>put: the real path of its parent folder is inside a folder allowed with {@code --write}; the target, when it
 *       exists, is a regular file and not a symbolic link (it is replaced atomically, never written through).</li>
 * </ul>
 */
public final class FileRequests {

    /**
     * The verdict: the real path to open when allowed, else the status (403 refused, 404 missing) and why.
     */
    public record Decision(Path path, int status, String reason) {
        static Decision allow(Path path) {
            return new Decision(requireNonNull(path, "path"), 200, null);
        }

        static Decision refuse(int status, String reason) {
            return new Decision(null, status, OneLine.of(reason));
        }

        public boolean allowed() {
            return path != null;
        }
    }

    private FileRequests() {}

    /** A {@code GET /v1/files?path=P}. */
    public static Decision get(FolderList folders, String requested) {
        Decision syntax = syntax(requested);
        if (syntax != null) {
            return syntax;
        }
        Path given = Path.of(requested);
        Path real;
        try {
            real = given.toRealPath();
        } catch (NoSuchFileException e) {
            return under(folders, given.getParent()) ? Decision.refuse(404, "no such file " + requested)
                    : notAllowed(requested);
        } catch (IOException e) {
            return Decision.refuse(403, requested + " cannot be resolved: " + OneLine.of(e.getMessage()));
        }
        if (folders.folders().stream().noneMatch(f -> f.contains(real))) {
            return notAllowed(requested);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            return Decision.refuse(403, requested + " is not a regular file");
        }
        return Decision.allow(real);
    }

    /** A {@code PUT /v1/files?path=P}. */
    public static Decision put(FolderList folders, String requested) {
        Decision syntax = syntax(requested);
        if (syntax != null) {
            return syntax;
        }
        Path given = Path.of(requested);
        if (given.getParent() == null || given.getFileName() == null) {
            return Decision.refuse(403, requested + " names no file");
        }
        Path parent;
        try {
            parent = given.getParent().toRealPath();
        } catch (IOException e) {
            return under(folders, given.getParent()) ? Decision.refuse(404, "folder " + given.getParent() + " does not exist")
                    : notAllowed(requested);
        }
        Path target = parent.resolve(given.getFileName());
        boolean inside = false;
        boolean writable = false;
        for (FolderEntry folder : folders.folders()) {
            if (folder.contains(parent)) {
                inside = true;
                writable |= folder.write();
            }
        }
        if (!inside) {
            return notAllowed(requested);
        }
        if (!writable) {
            return Decision.refuse(403, requested + " is in a folder this appliance allows read-only");
        }
        try {
            BasicFileAttributes existing = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (existing.isSymbolicLink()) {
                return Decision.refuse(403, requested + " is a symbolic link: it is not written through");
            }
            if (!existing.isRegularFile()) {
                return Decision.refuse(403, requested + " exists and is not a regular file");
            }
        } catch (NoSuchFileException e) {
            // a new file
        } catch (IOException e) {
            return Decision.refuse(403, requested + " cannot be checked: " + OneLine.of(e.getMessage()));
        }
        return Decision.allow(target);
    }

    private static Decision syntax(String requested) {
        if (requested == null || requested.isEmpty()) {
            return Decision.refuse(403, "no path was given");
        }
        if (requested.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Decision.refuse(403, "the path has control characters");
        }
        if (!requested.startsWith("/")) {
            return Decision.refuse(403, "path " + requested + " is not absolute");
        }
        for (String segment : requested.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return Decision.refuse(403, "path " + requested + " has a '" + segment + "' segment: name the file by its"
                        + " absolute path");
            }
        }
        try {
            Path.of(requested);
        } catch (InvalidPathException e) {
            return Decision.refuse(403, "path " + requested + " is not valid");
        }
        return null;
    }

    /** Whether {@code folder} (not necessarily existing) lies, lexically, inside an allowed folder. */
    private static boolean under(FolderList folders, Path folder) {
        return folder != null && folders.folders().stream().anyMatch(f -> folder.normalize().startsWith(f.folder()));
    }

    private static Decision notAllowed(String requested) {
        return Decision.refuse(403, requested + " is not under a folder this appliance allows");
    }
}

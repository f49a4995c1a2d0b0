package dev.secureconnect.appliance.files;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>The files step of the session authorisation: the verdict's value is the real path to open; a refusal is answered
 * 403 (404 when the file or folder is missing) and audited as {@code file.refused} (detail {@code path}).
 */
public final class FileRequests {

    /** The reason codes of a refusal. */
    static final String BAD_PATH = "bad-path";

    static final String NOT_FOUND = "not-found";
    static final String NOT_ALLOWED = "not-allowed";
    static final String READ_ONLY = "read-only";
    static final String NOT_A_FILE = "not-a-file";
    static final String UNREADABLE = "unreadable";

    private FileRequests() {}

    /**
     * A get ({@code put} false) or put of {@code requested}, against the folders allowed in {@code DIR/folders.json}
     * (read afresh for each request).
     */
    public static AccessVerdict<Path> decide(ApplianceDirectory directory, boolean put, String requested) {
        AccessVerdict<Path> verdict;
        try {
            FolderList folders = FolderList.read(directory);
            verdict = put ? put(folders, requested) : get(folders, requested);
        } catch (ApplianceException e) {
            verdict = AccessVerdict.deny(403, UNREADABLE, "the allowed folders cannot be read: " + e.getMessage());
        }
        if (verdict.allowed()) {
            return verdict;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", requested);
        return verdict.audited(EventType.FILE_REFUSED, details);
    }

    /** A {@code GET /v1/files?path=P}. */
    public static AccessVerdict<Path> get(FolderList folders, String requested) {
        AccessVerdict<Path> syntax = syntax(requested);
        if (syntax != null) {
            return syntax;
        }
        Path given = Path.of(requested);
        Path real;
        try {
            real = given.toRealPath();
        } catch (NoSuchFileException e) {
            return under(folders, given.getParent())
                    ? refuse(404, NOT_FOUND, "no such file " + requested)
                    : notAllowed(requested);
        } catch (IOException e) {
            return refuse(403, UNREADABLE, requested + " cannot be resolved: " + OneLine.of(e.getMessage()));
        }
        if (folders.folders().stream().noneMatch(f -> f.contains(real))) {
            return notAllowed(requested);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            return refuse(403, NOT_A_FILE, requested + " is not a regular file");
        }
        return AccessVerdict.allow(real);
    }

    /** A {@code PUT /v1/files?path=P}. */
    public static AccessVerdict<Path> put(FolderList folders, String requested) {
        AccessVerdict<Path> syntax = syntax(requested);
        if (syntax != null) {
            return syntax;
        }
        Path given = Path.of(requested);
        if (given.getParent() == null || given.getFileName() == null) {
            return refuse(403, NOT_A_FILE, requested + " names no file");
        }
        Path parent;
        try {
            parent = given.getParent().toRealPath();
        } catch (IOException e) {
            return under(folders, given.getParent())
                    ? refuse(404, NOT_FOUND, "folder " + given.getParent() + " does not exist")
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
            return refuse(403, READ_ONLY, requested + " is in a folder this appliance allows read-only");
        }
        try {
            BasicFileAttributes existing =
                    Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (existing.isSymbolicLink()) {
                return refuse(403, NOT_A_FILE, requested + " is a symbolic link: it is not written through");
            }
            if (!existing.isRegularFile()) {
                return refuse(403, NOT_A_FILE, requested + " exists and is not a regular file");
            }
        } catch (NoSuchFileException e) {
            // a new file
        } catch (IOException e) {
            return refuse(403, UNREADABLE, requested + " cannot be checked: " + OneLine.of(e.getMessage()));
        }
        return AccessVerdict.allow(target);
    }

    private static @Nullable AccessVerdict<Path> syntax(@Nullable String requested) {
        if (requested == null || requested.isEmpty()) {
            return refuse(403, BAD_PATH, "no path was given");
        }
        if (requested.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return refuse(403, BAD_PATH, "the path has control characters");
        }
        if (!requested.startsWith("/")) {
            return refuse(403, BAD_PATH, "path " + requested + " is not absolute");
        }
        for (String segment : requested.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return refuse(
                        403,
                        BAD_PATH,
                        "path " + requested + " has a '" + segment + "' segment: name the file by its"
                                + " absolute path");
            }
        }
        try {
            var unused = Path.of(requested); // only to refuse a path the file system cannot name
        } catch (InvalidPathException e) {
            return refuse(403, BAD_PATH, "path " + requested + " is not valid");
        }
        return null;
    }

    /** Whether {@code folder} (not necessarily existing) lies, lexically, inside an allowed folder. */
    private static boolean under(FolderList folders, @Nullable Path folder) {
        return folder != null
                && folders.folders().stream().anyMatch(f -> folder.normalize().startsWith(f.folder()));
    }

    private static AccessVerdict<Path> refuse(int status, String code, String reason) {
        return AccessVerdict.deny(status, code, OneLine.of(reason));
    }

    private static AccessVerdict<Path> notAllowed(String requested) {
        return refuse(403, NOT_ALLOWED, requested + " is not under a folder this appliance allows");
    }
}

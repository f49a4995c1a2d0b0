package dev.secureconnect.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.jspecify.annotations.Nullable;

/**
 * What tells that a file the server follows ({@code server.yaml}, {@code rules.yaml}) changed: its modification time
 * and size.
 */
public record FileStamp(FileTime modified, long size) {

    /** The file's stamp, or null while it cannot be read (missing, or being replaced). */
    public static @Nullable FileStamp of(Path file) {
        try {
            return new FileStamp(Files.getLastModifiedTime(file), Files.size(file));
        } catch (IOException e) {
            return null;
        }
    }
}

package dev.secureconnect.export.file;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where a {@link JsonLinesFile} writes and when it rotates.
 *
 * @param path the file, e.g. {@code /mnt/offsite/secureconnect/audit.jsonl}; its directories are created
 * @param maxBytes the size a file may reach before the next line goes to a fresh one (a single longer line is
 *     written alone into a fresh file: lines are never split)
 * @param keep how many rotated files ({@code audit.jsonl.1} newest … {@code audit.jsonl.<keep>} oldest) are kept
 */
public record JsonLinesSettings(Path path, long maxBytes, int keep) {

    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;
    public static final int DEFAULT_KEEP = 10;

    public JsonLinesSettings {
        requireNonNull(path, "path");
        if (path.getFileName() == null) {
            throw new IllegalArgumentException("path: " + path + " (expected: a file name)");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        if (keep < 1) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
        }
    }

    /** {@code path}, rotated at {@value #DEFAULT_MAX_BYTES} bytes (100 MiB), {@value #DEFAULT_KEEP} files kept. */
    public static JsonLinesSettings of(Path path) {
        return new JsonLinesSettings(path, DEFAULT_MAX_BYTES, DEFAULT_KEEP);
    }
}

package dev.secureconnect.distribution;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/** What the build's archives hold, read with commons-compress (no tar or dpkg needed). */
final class Archives {

    /** One entry of a tar archive: its mode, its link target (symlinks) and its text (small files only). */
    record Entry(String name, int mode, String linkName, String text) {}

    private Archives() {}

    /** The built archive named by the system property {@code property} (set by this module's pom). */
    static Path built(String property) {
        String file = System.getProperty(property);
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException(property + " names no built archive (" + file
                    + "): run 'mvn package' of the distribution module first");
        }
        return Path.of(file);
    }

    /**
     * The largest entry whose text {@link #tar} keeps: room for the bash completion scripts (sc-server's is 66 KiB),
     * not for the jars.
     */
    private static final int MAX_TEXT = 1024 * 1024;

    /** The entries of a compressed tar, by name without a leading "./"; the text of those under {@link #MAX_TEXT}. */
    static Map<String, Entry> tar(InputStream compressed) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(compressed))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                String text = entry.isFile() && entry.getSize() < MAX_TEXT
                        ? new String(tar.readAllBytes(), StandardCharsets.UTF_8)
                        : "";
                entries.put(name, new Entry(name, entry.getMode(), entry.getLinkName(), text));
            }
        }
        return entries;
    }

    static Map<String, Entry> tar(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return tar(in);
        }
    }

    /** The members of a .deb (an ar archive): {@code debian-binary}, {@code control.tar.*}, {@code data.tar.*}. */
    static Map<String, byte[]> deb(Path file) throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            for (ArArchiveEntry entry = ar.getNextEntry(); entry != null; entry = ar.getNextEntry()) {
                members.put(entry.getName(), ar.readAllBytes());
            }
        }
        return members;
    }

    /** The tar member of a .deb whose name starts with {@code prefix} ("control.tar", "data.tar"). */
    static Map<String, Entry> debTar(Map<String, byte[]> members, String prefix) throws IOException {
        for (Map.Entry<String, byte[]> member : members.entrySet()) {
            if (member.getKey().startsWith(prefix)) {
                return tar(new ByteArrayInputStream(member.getValue()));
            }
        }
        throw new IllegalStateException("no " + prefix + " member in " + members.keySet());
    }

    private static InputStream decompressed(InputStream compressed) throws IOException {
        try {
            return new CompressorStreamFactory().createCompressorInputStream(new BufferedInputStream(compressed));
        } catch (CompressorException e) {
            throw new IOException("not a compressed tar: " + e.getMessage(), e);
        }
    }
}

package dev.secureconnect.appliance.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The console's page: a fixed list of files built into the jar ({@code src/main/resources/.../console/assets}). A
 * request names one of them exactly; nothing else is read, so no path can reach outside the list (no traversal, no
 * encoded variants, no file system).
 */
final class Assets {

    /** One file: its bytes and content type. */
    record Asset(byte[] bytes, String contentType) {}

    private static final String ROOT = "/dev/secureconnect/appliance/console/assets/";
    /** Request path → file name and content type. */
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/assets/console.css", new String[] {"console.css", "text/css; charset=utf-8"},
            "/assets/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
            "/assets/logo.svg", new String[] {"logo.svg", "image/svg+xml"});

    private final Map<String, Asset> loaded;

    private Assets(Map<String, Asset> loaded) {
        this.loaded = loaded;
    }

    /** Reads every file from the jar once. */
    static Assets load() {
        java.util.HashMap<String, Asset> loaded = new java.util.HashMap<>();
        FILES.forEach((path, file) -> {
            try (InputStream in = Assets.class.getResourceAsStream(ROOT + file[0])) {
                if (in == null) {
                    throw new IllegalStateException("the console's " + file[0] + " is missing from the jar");
                }
                loaded.put(path, new Asset(in.readAllBytes(), file[1]));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new Assets(Map.copyOf(loaded));
    }

    /** The file at exactly {@code path} (no query), or null. */
    @Nullable
    Asset find(String path) {
        return loaded.get(path);
    }
}

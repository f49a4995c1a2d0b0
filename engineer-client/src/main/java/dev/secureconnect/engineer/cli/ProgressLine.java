package dev.secureconnect.engineer.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The progress of a file transfer on one line, as {@code scp} shows it: name, percent, bytes, rate and time left,
 * redrawn at most {@value #REDRAW_MILLIS} ms apart on standard error. Shown only when the command runs on a terminal
 * ({@link Console#terminal()}); otherwise nothing is written.
 */
final class ProgressLine {

    static final long REDRAW_MILLIS = 200;

    private final Optional<PrintWriter> err; // empty: not a terminal, nothing is drawn
    private final String name;
    private final long total;
    private final LongSupplier nanos;
    private final long started;
    private final AtomicLong done = new AtomicLong();
    private long drawn;
    private boolean shown;

    private ProgressLine(Optional<PrintWriter> err, String name, long total, LongSupplier nanos) {
        this.err = err;
        this.name = name;
        this.total = total;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.drawn = started;
    }

    /** A progress line for {@code total} bytes of {@code name}; it draws nothing unless the console is a terminal. */
    static ProgressLine start(Console console, String name, long total) {
        return new ProgressLine(
                console.terminal() ? Optional.of(console.err()) : Optional.empty(), name, total, System::nanoTime);
    }

    /** For tests: always drawn, on {@code err}, with {@code nanos} as the clock. */
    static ProgressLine drawnOn(PrintWriter err, String name, long total, LongSupplier nanos) {
        return new ProgressLine(Optional.of(err), name, total, nanos);
    }

    /** Counts {@code bytes} more, and redraws if it is time. */
    void add(long bytes) {
        long now = done.addAndGet(bytes);
        if (err.isEmpty()) {
            return;
        }
        long time = nanos.getAsLong();
        synchronized (this) {
            if (time - drawn >= REDRAW_MILLIS * 1_000_000L || now >= total && !shown) {
                drawn = time;
                draw(now, time, false);
            }
        }
    }

    /** {@code in}, counted as it is read. */
    InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b != -1) {
                    add(1);
                }
                return b;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                int n = super.read(bytes, offset, length);
                if (n > 0) {
                    add(n);
                }
                return n;
            }
        };
    }

    /** Draws the last state and ends the line (whether the transfer finished or failed). */
    synchronized void finish() {
        if (err.isEmpty()) {
            return;
        }
        draw(done.get(), nanos.getAsLong(), true);
        err.get().println();
        err.get().flush();
    }

    /** E.g. {@code "file.bin  42%  4.2 MiB  1.5 MiB/s  00:03 ETA"}. */
    static String format(String name, long done, long total, double seconds, boolean finished) {
        double rate = seconds > 0 ? done / seconds : 0;
        String percent = total > 0 ? Math.min(100, done * 100 / total) + "%" : "-";
        String time;
        if (finished) {
            time = clock(seconds) + "    ";
        } else if (rate > 0 && total >= done) {
            time = clock((total - done) / rate) + " ETA";
        } else {
            time = "--:-- ETA";
        }
        return String.format(
                Locale.ROOT, "%s  %4s  %s  %s/s  %s", name, percent, bytes(done), bytes((long) rate), time);
    }

    private void draw(long now, long time, boolean finished) {
        shown = true;
        err.get().print("\r" + format(name, now, total, (time - started) / 1e9, finished));
        err.get().flush();
    }

    static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String clock(double seconds) {
        long whole = (long) Math.ceil(seconds);
        if (whole >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%02d:%02d", whole / 60, whole % 60);
    }
}

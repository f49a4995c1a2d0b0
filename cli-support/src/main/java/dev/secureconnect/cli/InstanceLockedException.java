package dev.secureconnect.cli;

/**
 * A daemon's directory is locked by another process: see {@link InstanceLock}. The caller says what runs there in its
 * own words, with {@link #pid()}.
 */
public final class InstanceLockedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String pid;

    InstanceLockedException(String pid) {
        super("locked by the process with PID " + pid);
        this.pid = pid;
    }

    /** The PID of the process holding the lock, or "unknown" while it has not written it yet. */
    public String pid() {
        return pid;
    }
}

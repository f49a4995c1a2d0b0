package dev.secureconnect.appliance.admin;

import dev.secureconnect.appliance.ApplianceException;
import org.jspecify.annotations.Nullable;

/** No daemon answers on the appliance directory's admin socket. */
public final class DaemonNotRunningException extends ApplianceException {

    public DaemonNotRunningException(Object dir, @Nullable Throwable cause) {
        super(
                "sc-appliance daemon is not running for " + dir + ": start it with 'sc-appliance run --dir " + dir
                        + "'",
                cause);
    }
}

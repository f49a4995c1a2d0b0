package dev.secureconnect.appliance.renewal;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.crypto.text.OneLine;

/** A renewed certificate this appliance does not install, with the one-line reason (sent back to the server). */
public final class RenewalRefusedException extends ApplianceException {

    private static final long serialVersionUID = 1L;

    public RenewalRefusedException(String reason) {
        super(OneLine.of(reason));
    }
}

package dev.secureconnect.export.syslog;

import dev.secureconnect.export.DeliveryException;
import java.util.List;

/** Carries formatted syslog messages to the receiver over one transport. */
interface Sender {

    /** Sends {@code messages} in order; on failure closes any connection and says why in one line. */
    void send(List<String> messages) throws DeliveryException;

    /** Closes any connection; never throws. */
    void close();
}

package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.admin.AdminClient;
import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.admin.AdminResponse;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import java.time.Duration;

/** Sends an admin request to the directory's daemon; a refusal becomes the command's one-line error. */
final class Daemon {

    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private Daemon() {}

    static AdminResponse request(ApplianceDirectory directory, AdminRequest request, Duration extraWait) {
        AdminResponse response = AdminClient.send(directory, request, ANSWER_TIMEOUT.plus(extraWait));
        if (!response.ok()) {
            throw new ApplianceException(
                    response.error() == null ? "the daemon refused the request" : response.error());
        }
        return response;
    }

    static AdminResponse request(ApplianceDirectory directory, AdminRequest request) {
        return request(directory, request, Duration.ZERO);
    }
}

package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/tokens/unlock-failed} (bearer session) {@code {"appliance": SERIAL}}: the engineer's client
 * reports that a stored token could not be opened (wrong token passphrase). The token never leaves the laptop in that
 * case, so this report is the server's only sign of someone guessing at it; audited as {@code token.refused} with
 * reason {@code wrong-passphrase}, marked as reported by the client. 200 {@code {"recorded": true}}.
 */
final class UnlockFailedEndpoint implements Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(UnlockFailedEndpoint.class);
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String EXPECTED = "{\"appliance\": SERIAL}";

    private final ServerAuditLog audit;

    UnlockFailedEndpoint(ServerAuditLog audit) {
        this.audit = requireNonNull(audit, "audit");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        JsonNode appliance = call.json(EXPECTED).get("appliance");
        if (appliance == null
                || !appliance.isTextual()
                || !SERIAL.matcher(appliance.asText()).matches()) {
            throw new ApiException(
                    HttpResponseStatus.BAD_REQUEST, "bad-appliance", "appliance: expected a serial: " + EXPECTED);
        }
        String login = call.login();
        LOG.warn(
                "engineer {} could not open the stored access token for appliance {} (wrong token passphrase, reported"
                        + " from {})",
                login,
                appliance.asText(),
                call.connection().source());
        audit.append(ServerAuditEvent.builder(EventType.TOKEN_REFUSED)
                .actor(login)
                .appliance(appliance.asText())
                .source(call.connection().source())
                .outcome(ServerAuditEvent.Outcome.FAILURE)
                .detail("reason", "wrong-passphrase")
                .detail("reportedBy", "engineer client")
                .detail("message", "the stored access token could not be opened: wrong token passphrase")
                .build());
        return ApiResponse.ok(Map.of("recorded", true));
    }
}

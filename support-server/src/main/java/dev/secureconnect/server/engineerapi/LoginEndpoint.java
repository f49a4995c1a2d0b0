package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.server.blocks.SourceFailure;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.SecondFactorResult;
import dev.secureconnect.server.metrics.LoginMetrics;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/login} {@code {"totp": "123456"}}: the login is the certificate's. 200
 * {@code {"session", "login", "expiresAt"}}; 401 for a wrong or replayed code (or an engineer not enrolled, disabled,
 * or with another certificate); 423 with {@code lockedUntil} while locked out. Audited by {@link EngineerStore}.
 */
final class LoginEndpoint implements Endpoint {

    private final EngineerStore engineers;
    private final LoginSessions sessions;
    private final SourceGuard guard;
    private final LoginMetrics metrics;

    /**
     * @param guard told of each wrong or replayed code, counted towards blocking its source address
     * @param metrics counts each refused login with its reason, and the lockouts
     */
    LoginEndpoint(EngineerStore engineers, LoginSessions sessions, SourceGuard guard, LoginMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.engineers = requireNonNull(engineers, "engineers");
        this.sessions = requireNonNull(sessions, "sessions");
        this.guard = requireNonNull(guard, "guard");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        JsonNode totp = call.json("{\"totp\": \"123456\"}").get("totp");
        if (totp == null || !totp.isTextual()) {
            throw new ApiException(
                    HttpResponseStatus.BAD_REQUEST, "bad-request", "body must be {\"totp\": \"123456\"}");
        }
        EngineerConnection connection = call.connection();
        SecondFactorResult result = engineers.checkSecondFactor(
                connection.login(), totp.asText(), connection.fingerprint(), connection.source());
        if (!result.ok()) {
            SecondFactorResult.Reason reason = requireNonNull(result.reason(), "a refused login has its reason");
            boolean counted =
                    reason == SecondFactorResult.Reason.BAD_CODE || reason == SecondFactorResult.Reason.REPLAY;
            if (counted) {
                guard.failed(connection.address(), SourceFailure.TOTP);
            }
            metrics.failed(reason, counted && result.lockedUntil() != null); // this failure locked them out
            HttpResponseStatus status = result.reason() == SecondFactorResult.Reason.LOCKED
                    ? HttpResponseStatus.LOCKED
                    : HttpResponseStatus.UNAUTHORIZED;
            Map<String, Object> extra = result.lockedUntil() == null
                    ? Map.of()
                    : Map.of("lockedUntil", result.lockedUntil().toString());
            return ApiResponse.error(
                    status,
                    requireNonNull(result.reason(), "a refused login has its reason")
                            .code(),
                    result.message(),
                    extra);
        }
        LoginSessions.Created created = sessions.create(connection.login(), connection.fingerprint());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("session", created.value());
        answer.put("login", connection.login());
        answer.put("expiresAt", created.session().expiresAt().toString());
        return ApiResponse.ok(answer);
    }
}

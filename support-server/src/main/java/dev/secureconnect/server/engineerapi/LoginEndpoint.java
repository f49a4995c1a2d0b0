package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.server.blocks.SourceFailure;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.SecondFactorResult;
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

    /** @param guard told of each wrong or replayed code, counted towards blocking its source address */
    LoginEndpoint(EngineerStore engineers, LoginSessions sessions, SourceGuard guard) {
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
            if (result.reason() == SecondFactorResult.Reason.BAD_CODE
                    || result.reason() == SecondFactorResult.Reason.REPLAY) {
                guard.failed(connection.address(), SourceFailure.TOTP);
            }
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

package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.server.tokens.TokenIssuance;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/tokens} (bearer session) {@code {"appliance", "ticket" | "case", "ttlSeconds"?, "reason"?}}: an
 * access token for the calling engineer, bound to the certificate of this connection; for a support case ({@code
 * case}, or its ticket) limited to the case's scope and approval. 200 {@code {"token", "id", "appliance", "ticket",
 * "expiresAt"}} and, for a case, {@code "case"} and {@code "scope": {"services", "commands", "folders"}}; 403 or 400 as
 * {@link TokenIssuance} decides (audited there).
 */
final class TokensEndpoint implements Endpoint {

    private static final String EXPECTED =
            "{\"appliance\": SERIAL, \"ticket\": \"12345678\" or \"case\": \"C12345678\", \"ttlSeconds\": 3600,"
                    + " \"reason\": \"…\"}";

    private final TokenIssuance issuance;

    TokensEndpoint(TokenIssuance issuance) {
        this.issuance = requireNonNull(issuance, "issuance");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        JsonNode body = call.json(EXPECTED);
        TokenIssuance.Request request = new TokenIssuance.Request(
                text(body, "appliance"),
                text(body, "ticket"),
                lifetime(body.get("ttlSeconds")),
                text(body, "reason"),
                text(body, "case"));
        EngineerConnection connection = call.connection();
        SignedAccessToken token;
        try {
            token = issuance.issue(call.login(), connection.certificate(), connection.source(), request);
        } catch (TokenIssuance.Refused refused) {
            throw new ApiException(
                    refused.forbidden() ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.BAD_REQUEST,
                    refused.code(),
                    String.valueOf(refused.getMessage()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", token.serialize());
        answer.put("id", token.claims().id().toString());
        answer.put("appliance", token.claims().appliance());
        answer.put("ticket", token.claims().ticket());
        answer.put("expiresAt", token.claims().expiresAt().toString());
        token.claims().scope().ifPresent(scope -> {
            answer.put("case", scope.caseId());
            Map<String, Object> limits = new LinkedHashMap<>();
            limits.put("services", scope.services());
            limits.put("commands", scope.commands());
            limits.put("folders", scope.folders());
            answer.put("scope", limits);
        });
        return ApiResponse.ok(answer);
    }

    private static @Nullable String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApiException(
                    HttpResponseStatus.BAD_REQUEST, "bad-request", field + " must be a string: " + EXPECTED);
        }
        return value.asText();
    }

    private static @Nullable Duration lifetime(@Nullable JsonNode ttl) {
        if (ttl == null || ttl.isNull()) {
            return null;
        }
        if (!ttl.canConvertToLong() || !ttl.isIntegralNumber()) {
            throw new ApiException(
                    HttpResponseStatus.BAD_REQUEST, "bad-ttl", "ttlSeconds must be a whole number of seconds");
        }
        return Duration.ofSeconds(ttl.asLong());
    }
}

package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cases.SupportCase;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/v1/cases[?appliance=SN]} (bearer session): the newest support cases ({@value #LIMIT} at most), of one
 * appliance or of all, each with its ticket, state and the access scope it needs. Reads the database: runs on the
 * blocking executor.
 */
final class CasesEndpoint implements Endpoint {

    static final int LIMIT = 200;
    private static final int MAX_SERIAL = 128;

    private final CaseStore cases;

    CasesEndpoint(CaseStore cases) {
        this.cases = requireNonNull(cases, "cases");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        return ApiResponse.ok(body(cases, call.parameter("appliance")));
    }

    /** The answer's body for {@code appliance} (null: every appliance). */
    static Map<String, Object> body(CaseStore cases, @Nullable String appliance) {
        if (appliance != null
                && (appliance.isBlank()
                        || appliance.length() > MAX_SERIAL
                        || !OneLine.quoted(appliance, MAX_SERIAL).equals(appliance))) {
            throw new ApiException(
                    HttpResponseStatus.BAD_REQUEST,
                    "bad-parameter",
                    "appliance: '" + OneLine.quoted(appliance) + "' is not a serial");
        }
        List<Map<String, Object>> rows =
                cases.list(appliance, LIMIT).stream().map(CasesEndpoint::row).toList();
        return Map.of("cases", rows);
    }

    private static Map<String, Object> row(SupportCase c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", c.id());
        row.put("appliance", c.appliance());
        row.put("ticket", CaseStore.ticket(c.id()).value());
        row.put("title", c.title());
        row.put("severity", c.severity().text());
        row.put("state", c.state().code());
        row.put("services", c.scope().services());
        row.put("commands", c.scope().commands());
        row.put("folders", c.scope().folders());
        row.put("duration", c.scope().duration().toString());
        row.put("openedAt", c.openedAt().toString());
        row.put("updatedAt", c.updatedAt().toString());
        if (c.stateReason() != null) {
            row.put("stateReason", c.stateReason());
        }
        return row;
    }
}

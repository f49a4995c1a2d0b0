package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.AgentClient;
import dev.secureconnect.engineer.agent.AgentProtocol;
import dev.secureconnect.engineer.client.ApiException;
import dev.secureconnect.engineer.state.SavedSession;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** JSON API calls with the login session, and reading their answers for tables. */
final class Api {

    private Api() {}

    /** A request with the session as bearer; a 401 means the server no longer knows the session. */
    static JsonNode call(LoggedIn loggedIn, String method, String path, @Nullable Object body) {
        try {
            return loggedIn.connection().call(method, path, loggedIn.session().session(), body);
        } catch (ApiException e) {
            if (e.status() == 401) {
                EngineerException notLoggedIn = LoggedIn.notLoggedIn(loggedIn.session());
                throw new EngineerException(e.getMessage() + ": " + notLoggedIn.getMessage(), e);
            }
            throw e;
        }
    }

    static JsonNode get(LoggedIn loggedIn, String path) {
        return call(loggedIn, "GET", path, null);
    }

    /**
     * A GET with the login session: through the agent when one runs (or was started for it), else on a connection of
     * this command's own.
     */
    static JsonNode get(Console console, String path) {
        SavedSession session = LoggedIn.require(console);
        Optional<AgentClient> agent = AgentCommand.runningOrStarted(console);
        if (agent.isPresent()) {
            try (AgentClient client = agent.get()) {
                JsonNode answer = client.ask(AgentProtocol.request(AgentProtocol.Op.API)
                        .put("method", "GET")
                        .put("path", path));
                if (answer.path("ok").asBoolean()) {
                    return answer.path("body");
                }
                int status = answer.path("status").asInt();
                if (status == 401) {
                    throw new EngineerException(answer.path("error").asText() + ": "
                            + LoggedIn.notLoggedIn(session).getMessage());
                }
                throw new EngineerException(answer.path("error").asText("the agent refused the request"));
            }
        }
        try (LoggedIn loggedIn = LoggedIn.open(console)) {
            return get(loggedIn, path);
        }
    }

    /** A value for a table cell: its text, or "-" when missing. */
    static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? "-" : OneLine.of(value.asText());
    }
}

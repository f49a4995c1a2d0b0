package dev.secureconnect.engineer.cli;

import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.client.ApiException;
import dev.secureconnect.engineer.state.SavedSession;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code logout}: ends the session on the server and forgets it here. */
@Command(
        name = "logout",
        description = "Ends your login session on the server and deletes it from the state"
                + " directory (stored access tokens stay until they expire).")
final class LogoutCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/logout";

    private final Console console;

    LogoutCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        Optional<SavedSession> saved = console.engineerHome().session();
        if (saved.isEmpty() || !saved.get().validAt(console.clock().instant())) {
            console.engineerHome().forgetSession();
            console.out().println("not logged in");
            return 0;
        }
        try (LoggedIn loggedIn = LoggedIn.open(console)) {
            loggedIn.connection().call("POST", PATH, saved.get().session(), Map.of());
        } catch (ApiException e) {
            if (e.status() != 401) {
                console.engineerHome().forgetSession();
                throw new EngineerException(
                        "the session was deleted here, but the server refused to end it: " + e.getMessage(), e);
            }
            // the server had already forgotten it
        } catch (EngineerException e) {
            console.engineerHome().forgetSession();
            throw new EngineerException(
                    "the session was deleted here, but the server could not be told: " + e.getMessage(), e);
        }
        console.engineerHome().forgetSession();
        console.out().println("logged out " + saved.get().login());
        AgentCommand.stopIfRunning(console).ifPresent(pid -> console.out()
                .println("stopped the agent (pid " + pid + "): it held tokens for this session"));
        return 0;
    }
}

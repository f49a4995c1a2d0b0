package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.agent.AgentClient;
import dev.secureconnect.engineer.agent.AgentProtocol;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * {@code forward} through the agent: the agent itself listens on 127.0.0.1 and relays every accepted socket as a
 * CONNECT stream on its connection to the server ({@link AgentProtocol.Op#FORWARD}), so the bytes pass through one
 * process, the agent, and not through this one as well. This command holds its connection to the agent for as long
 * as it forwards, reports the agent's problem lines, and ends the forward by closing that connection.
 */
final class AgentForward implements AutoCloseable {

    private final AgentClient agent;
    private final int port;
    private final Consumer<String> problems;

    private AgentForward(AgentClient agent, int port, Consumer<String> problems) {
        this.agent = agent;
        this.port = port;
        this.problems = problems;
    }

    /**
     * Asks the agent to listen on {@code 127.0.0.1:localPort} (0 = any free port) and forward to {@code remotePort}.
     *
     * @throws EngineerException if the agent refused (the port cannot be bound, no token, …)
     */
    static AgentForward start(int localPort, SessionStreams.ViaAgent via, int remotePort, Consumer<String> problems) {
        SessionStreams.ViaAgent.Answered answered = via.ask(AgentProtocol.request(AgentProtocol.Op.FORWARD)
                .put("appliance", via.serial())
                .put("port", remotePort)
                .put("local", localPort));
        return new AgentForward(answered.agent(), answered.answer().path("port").asInt(), problems);
    }

    int port() {
        return port;
    }

    /**
     * Reports the agent's problem lines until the process is stopped (this thread interrupted).
     *
     * @throws EngineerException when the agent closed the connection (it stopped, or no longer holds the token)
     */
    void awaitClose() throws InterruptedException {
        while (true) {
            JsonNode line;
            try {
                line = agent.receiveLine();
            } catch (IOException e) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("stopped");
                }
                throw agent.wentAway(e);
            }
            problems.accept(line.path("problem").asText());
        }
    }

    @Override
    public void close() {
        agent.close();
    }
}

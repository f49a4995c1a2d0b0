package dev.secureconnect.engineer.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.engineer.client.ServerAddress;
import dev.secureconnect.engineer.client.SessionRequests;
import dev.secureconnect.engineer.client.StreamCredentials;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A session stream a command asks for, whichever way it goes: as request headers on a connection of its own, or as
 * a request to the agent, which adds the token and the session.
 */
public record StreamRequest(AgentProtocol.Op op, int port, String command, List<String> args, String path) {

    public static StreamRequest connect(int port) {
        return new StreamRequest(AgentProtocol.Op.CONNECT, port, "", List.of(), "");
    }

    public static StreamRequest exec(String command, List<String> args) {
        return new StreamRequest(AgentProtocol.Op.EXEC, 0, command, List.copyOf(args), "");
    }

    public static StreamRequest get(String path) {
        return new StreamRequest(AgentProtocol.Op.GET, 0, "", List.of(), path);
    }

    public static StreamRequest put(String path) {
        return new StreamRequest(AgentProtocol.Op.PUT, 0, "", List.of(), path);
    }

    /** The stream a request to the agent asks for; empty if the request is not for a stream. */
    static Optional<StreamRequest> fromAgent(JsonNode request) {
        Optional<AgentProtocol.Op> op =
                AgentProtocol.Op.parse(request.path("op").asText());
        if (op.isEmpty() || !op.get().isStream()) {
            return Optional.empty();
        }
        List<String> args = new ArrayList<>();
        request.path("args").forEach(arg -> args.add(arg.asText()));
        return Optional.of(new StreamRequest(
                op.get(),
                request.path("port").asInt(),
                request.path("command").asText(),
                List.copyOf(args),
                request.path("path").asText()));
    }

    /** The request headers on the wire. */
    public Http2Headers headers(ServerAddress server, StreamCredentials credentials) {
        return switch (op) {
            case CONNECT -> SessionRequests.connect(port, credentials);
            case EXEC -> SessionRequests.exec(server, command, args, credentials);
            case GET -> SessionRequests.getFile(server, path, credentials);
            case PUT -> SessionRequests.putFile(server, path, credentials);
            default -> throw new IllegalStateException("not a session stream: " + op);
        };
    }

    /** The request to the agent. */
    public ObjectNode toAgent(String serial) {
        ObjectNode request = AgentProtocol.request(op).put("appliance", serial);
        switch (op) {
            case CONNECT -> request.put("port", port);
            case EXEC -> {
                request.put("command", command);
                ArrayNode array = request.putArray("args");
                args.forEach(array::add);
            }
            default -> request.put("path", path);
        }
        return request;
    }
}

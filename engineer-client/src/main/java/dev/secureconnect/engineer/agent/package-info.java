/**
 * The engineer agent ({@code sc-engineer agent}): a process of the engineer's login session that holds the opened
 * access tokens, the engineer's identity and one warm connection to the server, and serves the other commands over an
 * owner-only Unix socket under the engineer's state directory. {@link dev.secureconnect.engineer.agent.AgentProtocol}
 * describes what goes over the socket; {@link dev.secureconnect.engineer.agent.EngineerAgent} is the agent,
 * {@link dev.secureconnect.engineer.agent.AgentClient} the commands' side.
 */
package dev.secureconnect.engineer.agent;

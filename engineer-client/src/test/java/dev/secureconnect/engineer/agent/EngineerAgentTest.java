package dev.secureconnect.engineer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.engineer.client.Identity;
import dev.secureconnect.engineer.client.Timeouts;
import dev.secureconnect.engineer.state.EngineerHome;
import dev.secureconnect.engineer.state.SavedSession;
import dev.secureconnect.engineer.testing.IdentityFiles;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's socket, its peer check, one agent per state directory, and how long it holds tokens and runs. */
class EngineerAgentTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");

    @TempDir
    static Path shared;

    private static IdentityFiles files;
    private static Identity identity;

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock();
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private final List<EngineerAgent> started = new CopyOnWriteArrayList<>();
    private EngineerHome home;
    private UserPrincipal owner;

    @BeforeAll
    static void identity() throws Exception {
        files = IdentityFiles.write(shared.resolve("alice"), "alice");
        identity = Identity.load(files.p12(), IdentityFiles.P12_PASSPHRASE.toCharArray(), null);
    }

    @BeforeEach
    void prepare() throws Exception {
        home = EngineerHome.at(dir.resolve("h"));
        home.prepareAgent();
        owner = Files.getOwner(home.agentDirectory());
    }

    @AfterEach
    void stopAll() {
        started.forEach(EngineerAgent::close);
    }

    private EngineerAgent start(PeerCheck peers) {
        SavedSession session = new SavedSession(
                "127.0.0.1:1",
                files.p12(),
                Optional.empty(),
                Optional.empty(),
                "alice",
                "session-value",
                identity.thumbprint(),
                NOW.plus(Duration.ofHours(10)));
        home.save(session);
        EngineerAgent agent = EngineerAgent.start(new EngineerAgent.Settings(
                home, session, identity, Timeouts.DEFAULT, clock, Duration.ofHours(8), peers, notices::add));
        started.add(agent);
        return agent;
    }

    private JsonNode ask(AgentProtocol.Op op) {
        try (AgentClient client = AgentClient.connect(home).orElseThrow()) {
            return client.ask(AgentProtocol.request(op));
        }
    }

    private SignedAccessToken token(String appliance, Duration lifetime) {
        AccessTokenIssuer issuer = new AccessTokenIssuer(TokenSigningKey.generate(), "localhost", clock);
        return issuer.issue(identity.certificate(), appliance, "12345678", lifetime, null);
    }

    @Test
    void listensOnAnOwnerOnlySocketInAnOwnerOnlyFolder() throws Exception {
        start(PeerCheck.kernel(owner));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.agentSocket())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.agentDirectory())))
                .isEqualTo("rwx------");
        JsonNode status = ask(AgentProtocol.Op.STATUS); // the kernel's peer credentials: this user
        assertThat(status.path("ok").asBoolean()).as(status.toString()).isTrue();
        assertThat(status.path("pid").asLong())
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(status.toString()).doesNotContain("session-value");
    }

    @Test
    void refusesAndLogsAPeerOfAnotherUser() throws Exception {
        UserPrincipal other = home.agentDirectory()
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(owner.getName().equals("nobody") ? "root" : "nobody");
        start(new PeerCheck(owner, connection -> other));
        JsonNode answer = ask(AgentProtocol.Op.STATUS);
        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").asText()).isEqualTo("this agent serves only its own user");
        assertThat(notices).anySatisfy(notice -> assertThat(notice)
                .startsWith("refused a connection to " + home.agentSocket() + " from user " + other.getName()));
    }

    @Test
    void aSecondAgentForTheSameHomeRefusesToStartAndNamesTheFirst() {
        start(PeerCheck.kernel(owner));
        assertThatThrownBy(() -> start(PeerCheck.kernel(owner)))
                .isInstanceOf(EngineerAgent.AgentRunningException.class)
                .hasMessage("an agent already runs for " + home.directory() + " (pid "
                        + ProcessHandle.current().pid() + ", socket " + home.agentSocket()
                        + "): stop it first with sc-engineer agent stop");
        assertThat(ask(AgentProtocol.Op.STATUS).path("ok").asBoolean()).isTrue(); // the first one still serves
    }

    @Test
    void removesTheStaleSocketOfAnAgentThatDied() throws Exception {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(home.agentSocket()));
        }
        assertThat(home.agentSocket()).exists();
        assertThat(AgentClient.connect(home)).isEmpty(); // nobody listens: commands go direct

        start(PeerCheck.kernel(owner));
        assertThat(ask(AgentProtocol.Op.STATUS).path("ok").asBoolean()).isTrue();
        assertThat(notices).anySatisfy(notice -> assertThat(notice).startsWith("removed the stale socket"));
    }

    @Test
    void stopRemovesTheSocketAndFreesTheHomeForTheNextAgent() {
        EngineerAgent first = start(PeerCheck.kernel(owner));
        assertThat(ask(AgentProtocol.Op.STOP).path("ok").asBoolean()).isTrue();
        assertThat(first.isStopped()).isTrue();
        assertThat(home.agentSocket()).doesNotExist();
        assertThat(AgentClient.connect(home)).isEmpty();
        start(PeerCheck.kernel(owner));
        assertThat(ask(AgentProtocol.Op.STATUS).path("ok").asBoolean()).isTrue();
    }

    @Test
    void stopsWhenTheLoginSessionItServesIsGone() {
        EngineerAgent agent = start(PeerCheck.kernel(owner));
        home.forgetSession(); // logout, or a login elsewhere that replaced it
        JsonNode answer = ask(AgentProtocol.Op.STATUS);
        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").asText()).startsWith("the agent stopped: the login session it served ended");
        assertThat(agent.isStopped()).isTrue();
        assertThat(home.agentSocket()).doesNotExist();
    }

    @Test
    void forgetsATokenAtItsExpiry() {
        EngineerAgent agent = start(PeerCheck.kernel(owner));
        SignedAccessToken token = token("SN-1", Duration.ofMinutes(30));
        assertThat(agent.tokens().add(token)).isTrue();
        assertThat(agent.tokens().find("sn-1")).contains(token); // ssh lowercases %h
        clock.advance(Duration.ofMinutes(29));
        assertThat(agent.tokens().find("SN-1")).contains(token);

        clock.advance(Duration.ofMinutes(1));
        agent.sweep();
        assertThat(agent.tokens().list()).isEmpty();
        assertThat(notices).contains("forgot the access token for SN-1: it expired");
        assertThat(ask(AgentProtocol.Op.STATUS).path("tokens")).isEmpty();
    }

    @Test
    void findNeverReturnsAnExpiredTokenEvenBeforeTheSweep() {
        EngineerAgent agent = start(PeerCheck.kernel(owner));
        agent.tokens().add(token("SN-1", Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(5));
        assertThat(agent.tokens().find("SN-1")).isEmpty();
    }

    @Test
    void refusesToTakeAnExpiredToken() {
        start(PeerCheck.kernel(owner));
        SignedAccessToken token = token("SN-1", Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(6));
        try (AgentClient client = AgentClient.connect(home).orElseThrow()) {
            JsonNode answer =
                    client.ask(AgentProtocol.request(AgentProtocol.Op.ADD).put("token", token.serialize()));
            assertThat(answer.path("ok").asBoolean()).isFalse();
            assertThat(answer.path("error").asText()).startsWith("the access token for SN-1 expired at ");
        }
    }

    @Test
    void forgetsARevokedTokenButNotOneThatReplacedIt() {
        HeldTokens tokens = new HeldTokens(clock);
        SignedAccessToken revoked = token("SN-1", Duration.ofHours(1));
        tokens.add(revoked);
        tokens.forget("sn-1", revoked);
        assertThat(tokens.find("SN-1")).isEmpty();

        SignedAccessToken fresh = token("SN-1", Duration.ofHours(1));
        tokens.add(fresh);
        tokens.forget("SN-1", revoked); // a late refusal of the old token
        assertThat(tokens.find("SN-1")).contains(fresh);
    }

    @Test
    void stopsWhenIdleForItsIdleTimeOut() {
        EngineerAgent agent = start(PeerCheck.kernel(owner));
        clock.advance(Duration.ofHours(8).minusSeconds(1));
        agent.sweep();
        assertThat(agent.isStopped()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        agent.sweep();
        assertThat(agent.isStopped()).isTrue();
        assertThat(home.agentSocket()).doesNotExist();
        assertThat(notices).contains("the agent stops: idle for 8h");
    }

    @Test
    void neverOutlivesTheLoginSession() {
        EngineerAgent agent = start(PeerCheck.kernel(owner));
        agent.tokens().add(token("SN-1", Duration.ofDays(2)));
        for (int hour = 1; hour <= 10; hour++) { // used every hour: never idle
            clock.advance(Duration.ofHours(1));
            assertThat(ask(AgentProtocol.Op.STATUS).path("ok").asBoolean()).isTrue();
            agent.sweep();
        }
        assertThat(agent.isStopped()).isTrue();
        assertThat(agent.tokens().list()).isEmpty();
        assertThat(notices)
                .anySatisfy(notice -> assertThat(notice).startsWith("the agent stops: the login session ended"));
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = NOW;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

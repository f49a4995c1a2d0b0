package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.engineer.testing.EngineerCli;
import dev.secureconnect.engineer.testing.IdentityFiles;
import dev.secureconnect.engineer.testing.TestEngineerServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the agent started on demand ({@code SC_ENGINEER_AGENT=auto}), the first command that needs it starts it in the
 * background (a process of its own, as {@code agent start} does) and goes through it; the next finds it running.
 */
class AgentOnDemandTest {

    @TempDir
    Path dir;

    private TestEngineerServer server;
    private IdentityFiles files;
    private EngineerCli cli;

    @BeforeEach
    void loginAndAccess() throws Exception {
        server = TestEngineerServer.start(dir);
        files = IdentityFiles.write(dir.resolve("alice"), "alice");
        cli = new EngineerCli(dir.resolve("home")).loggedInWithToken(server, files);
    }

    @AfterEach
    void stopAgent() {
        cli.run("agent", "stop");
        server.close();
    }

    @Test
    void theFirstCommandStartsTheAgentAndTheNextUsesIt() {
        assertThat(cli.run("agent", "status").exitCode()).isEqualTo(1); // none runs

        EngineerCli.Run first = cli.withAgentOnDemand().run("appliances");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err()).startsWith("sc-engineer: started the agent (pid ");
        EngineerCli.Run status = cli.run("agent", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("connected to the server: yes");

        // the token is opened here, once, and handed to the agent (as agent add does); no second agent is started
        EngineerCli.Run exec = cli.withAgentOnDemand()
                .run("exec", "--token-passphrase-file", files.tokenPassphrase().toString(), "SN-1", "collect-logs");
        assertThat(exec.out()).as(exec.toString()).startsWith("ran collect-logs");
        assertThat(exec.err()).doesNotContain("started the agent");
        assertThat(cli.run("agent", "status").out()).contains("SN-1");
    }

    @Test
    void manualMeansNoAgentIsStarted() {
        EngineerCli.Run direct = cli.run("appliances");
        assertThat(direct.exitCode()).as(direct.toString()).isZero();
        assertThat(direct.err()).isEmpty();
        assertThat(cli.run("agent", "status").exitCode()).isEqualTo(1);
    }
}

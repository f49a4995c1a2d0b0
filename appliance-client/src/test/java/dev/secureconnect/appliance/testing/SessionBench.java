package dev.secureconnect.appliance.testing;

import dev.secureconnect.testing.Eventually;
import java.nio.file.Path;

/**
 * A connected appliance for session tests: a {@link TestServer}, an appliance under test with the engineers' token
 * key pinned, SecureConnect enabled and ticket {@value #TICKET} accepted on an open link.
 */
public final class SessionBench implements AutoCloseable {

    public static final String TICKET = "12345678";
    public static final String SERIAL = ApplianceUnderTest.SERIAL;

    public final Engineers engineers = new Engineers();
    public final TestServer server;
    public final ApplianceUnderTest appliance;
    public TestServer.ServerLink link;

    private SessionBench(Path work, boolean pinKey) throws Exception {
        server = TestServer.start(java.nio.file.Files.createDirectories(work));
        appliance = ApplianceUnderTest.init(work, server.address());
        if (pinKey) {
            appliance.ok(
                    "token-key",
                    "--file",
                    engineers.writePublicKeySet(work.resolve("server-keys")).toString());
        }
        appliance.start();
        appliance.ok("enable");
    }

    /** Started, key pinned, not yet connected. */
    public static SessionBench start(Path work) throws Exception {
        return new SessionBench(work, true);
    }

    public static SessionBench withoutTokenKey(Path work) throws Exception {
        return new SessionBench(work, false);
    }

    /** Connects {@link #TICKET} and waits until the server accepted it. */
    public TestServer.ServerLink connect() throws InterruptedException {
        appliance.ok("connect", "--ticket", TICKET);
        link = server.awaitLink();
        Eventually.await("ticket " + TICKET + " accepted", appliance::status, s -> s.connections().stream()
                .anyMatch(c -> c.ticket().equals(TICKET) && c.status().equals("accepted")));
        return link;
    }

    @Override
    public void close() throws Exception {
        appliance.close();
        server.close();
    }
}

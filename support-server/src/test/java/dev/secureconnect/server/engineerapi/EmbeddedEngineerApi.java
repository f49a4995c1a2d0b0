package dev.secureconnect.server.engineerapi;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.engineers.EngineerSettings;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.TotpSecretKey;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.tokens.TokenIssuance;
import dev.secureconnect.server.tokens.TokenKeyRing;
import io.netty.channel.Channel;
import java.net.InetAddress;

/**
 * The engineer API built over a {@link RunningServer}'s own session gate, links, tokens and audit log (its engineers
 * read from the same database), for {@code EmbeddedChannel} tests of the stream handlers: what a stream channel of the
 * engineer listener would be handed, without the TLS and HTTP/2 in front.
 */
final class EmbeddedEngineerApi implements AutoCloseable {

    final EngineerApi api;
    final LoginSessions logins;
    private final Database database;

    EmbeddedEngineerApi(RunningServer server) throws Exception {
        ServerConfig config = ConfigFile.read(server.dir);
        database = Database.open(ServerDaemon.databaseSettings(server.dir, config.database()));
        ServerDaemon daemon = server.daemon;
        EngineerStore engineers = new EngineerStore(
                database, daemon.audit(), server.clock, TotpSecretKey.in(server.dir), EngineerSettings.defaults());
        TokenKeyRing keys = TokenKeyRing.load(server.dir, config.node(), daemon.tokens()::isRevoked, server.clock);
        logins = new LoginSessions(database, server.clock);
        api = new EngineerApi(
                engineers,
                logins,
                daemon.links(),
                new TokenIssuance(
                        keys::issuer,
                        daemon.tokens(),
                        engineers,
                        daemon.tickets(),
                        daemon.links(),
                        daemon.audit(),
                        new CaseStore(database, daemon.audit(), server.clock),
                        server.clock),
                daemon.sessions(),
                daemon.audit(),
                new ExportOrigin(config.node(), "sc-server", "0.1.0"),
                Runnable::run); // the router's database work on the test's thread: its answers come in order
    }

    /** Marks {@code stream} as opened on a connection of {@code who} (the certificate the handshake would check). */
    static void connectedAs(Channel stream, CertificateRole role, String login, TestPki.Issued who) throws Exception {
        stream.attr(EngineerConnection.KEY)
                .set(new EngineerConnection(
                        role,
                        login,
                        who.certificate(),
                        CertificateFingerprint.of(who.certificate()),
                        "192.0.2.1:50000",
                        InetAddress.getByName("192.0.2.1")));
    }

    /** A login session of {@code login} bound to {@code who}'s certificate: its bearer value. */
    String login(String login, TestPki.Issued who) {
        return logins.create(login, CertificateFingerprint.of(who.certificate()))
                .value();
    }

    @Override
    public void close() {
        database.close();
    }
}

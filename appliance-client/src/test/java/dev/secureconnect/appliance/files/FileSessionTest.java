package dev.secureconnect.appliance.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.testing.Engineers;
import dev.secureconnect.appliance.testing.SessionBench;
import dev.secureconnect.appliance.testing.TestServer;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.SessionCredentials;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET} and {@code PUT /v1/files} over a real link, with real files under allowed folders. */
class FileSessionTest {

    @TempDir
    Path work;

    private SessionBench bench;
    private Path shared;
    private Path readOnly;
    private Path outside;

    @BeforeEach
    void setUp() throws Exception {
        bench = SessionBench.start(work);
        shared = Files.createDirectories(work.resolve("shared")).toRealPath();
        readOnly = Files.createDirectories(work.resolve("logs")).toRealPath();
        outside = Files.createDirectories(work.resolve("outside")).toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "not for support");
        bench.appliance.ok("files allow", "--path", shared.toString(), "--write");
        bench.appliance.ok("files allow", "--path", readOnly.toString());
        bench.connect();
    }

    @AfterEach
    void tearDown() throws Exception {
        bench.close();
    }

    @Test
    void getSendsTheFileWithItsSizeAndSha256() throws Exception {
        byte[] content = random(300_000);
        Files.write(readOnly.resolve("app.log"), content);
        TestServer.Response response =
                request("GET", readOnly.resolve("app.log").toString(), new byte[0]);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header(LinkProtocol.HEADER_FILE_SIZE)).isEqualTo("300000");
        assertThat(response.header(LinkProtocol.HEADER_FILE_SHA256)).isEqualTo(sha256(content));
        assertThat(response.body()).isEqualTo(content);
        ApplianceAuditRecord get = Eventually.await(
                        "file.get", () -> bench.appliance.audit(EventType.FILE_GET), r -> r.size() == 1)
                .get(0);
        assertThat(get.actor()).isEqualTo("alice");
        assertThat(get.details())
                .containsEntry("path", readOnly.resolve("app.log").toString())
                .containsEntry("size", 300_000)
                .containsEntry("sha256", sha256(content))
                .containsEntry("kind", "get");
    }

    @Test
    void putStoresTheFileAtomicallyAndAnswersItsSha256() throws Exception {
        byte[] content = random(2_500_000);
        Path target = shared.resolve("upload.bin");
        TestServer.Response response = request("PUT", target.toString(), content);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.trailer(LinkProtocol.HEADER_FILE_SIZE)).isEqualTo("2500000");
        assertThat(response.trailer(LinkProtocol.HEADER_FILE_SHA256)).isEqualTo(sha256(content));
        assertThat(response.trailer(LinkProtocol.HEADER_REASON)).isNull();
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(listing(shared)).containsExactly("upload.bin");
        ApplianceAuditRecord put = Eventually.await(
                        "file.put", () -> bench.appliance.audit(EventType.FILE_PUT), r -> r.size() == 1)
                .get(0);
        assertThat(put.details())
                .containsEntry("path", target.toString())
                .containsEntry("size", 2_500_000)
                .containsEntry("sha256", sha256(content));

        // replacing it keeps its mode
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(request("PUT", target.toString(), "v2".getBytes()).trailer(LinkProtocol.HEADER_FILE_SIZE))
                .isEqualTo("2");
        assertThat(Files.readString(target)).isEqualTo("v2");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-------");
    }

    @Test
    void traversalIsRefused() throws Exception {
        assertRefused(
                "GET",
                shared + "/../outside/secret.txt",
                403,
                "path " + shared + "/../outside/secret.txt has a '..' segment: name the file by its absolute path");
        assertRefused("GET", "../../etc/shadow", 403, "path ../../etc/shadow is not absolute");
        assertRefused(
                "PUT",
                shared + "/../outside/new.txt",
                403,
                "path " + shared + "/../outside/new.txt has a '..' segment: name the file by its absolute path");
        assertThat(bench.appliance.audit(EventType.FILE_REFUSED)).hasSize(3).allSatisfy(r -> assertThat(r.outcome())
                .isEqualTo("refused"));
    }

    @Test
    void aSymbolicLinkOutOfTheFolderIsRefused() throws Exception {
        Files.createSymbolicLink(shared.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(shared.resolve("out"), outside);
        assertRefused(
                "GET",
                shared.resolve("link.txt").toString(),
                403,
                shared.resolve("link.txt") + " is not under a folder this appliance allows");
        assertRefused(
                "GET",
                shared.resolve("out/secret.txt").toString(),
                403,
                shared.resolve("out/secret.txt") + " is not under a folder this appliance allows");
        assertRefused(
                "PUT",
                shared.resolve("out/planted.txt").toString(),
                403,
                shared.resolve("out/planted.txt") + " is not under a folder this appliance allows");
        assertRefused(
                "PUT",
                shared.resolve("link.txt").toString(),
                403,
                shared.resolve("link.txt") + " is a symbolic link: it is not written through");
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("not for support");
        assertThat(Files.exists(outside.resolve("planted.txt"))).isFalse();
    }

    @Test
    void aFolderNotAllowedIsRefusedAndAMissingFileIs404() throws Exception {
        assertRefused(
                "GET",
                outside.resolve("secret.txt").toString(),
                403,
                outside.resolve("secret.txt") + " is not under a folder this appliance allows");
        assertRefused("GET", "/etc/shadow", 403, "/etc/shadow is not under a folder this appliance allows");
        assertRefused(
                "GET", readOnly.resolve("none.log").toString(), 404, "no such file " + readOnly.resolve("none.log"));
        assertRefused("GET", readOnly.toString(), 403, readOnly + " is not a regular file");
        assertRefused(
                "PUT",
                outside.resolve("x.txt").toString(),
                403,
                outside.resolve("x.txt") + " is not under a folder this appliance allows");
    }

    @Test
    void putIntoAReadOnlyFolderIsRefused() throws Exception {
        assertRefused(
                "PUT",
                readOnly.resolve("new.log").toString(),
                403,
                readOnly.resolve("new.log") + " is in a folder this appliance allows read-only");
        assertThat(listing(readOnly)).isEmpty();
    }

    @Test
    void aResetMidPutLeavesNoFile() throws Exception {
        Path target = shared.resolve("partial.bin");
        SessionCredentials credentials = credentials();
        Http2StreamChannel stream = TestServer.open(bench.link, Engineers.file("PUT", target.toString(), credentials))
                .get(10, TimeUnit.SECONDS)
                .stream();
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(random(200_000)), false))
                .sync();
        Eventually.await("the temporary file", () -> listing(shared), names -> names.size() == 1);
        stream.close().sync(); // RST_STREAM
        ApplianceAuditRecord refused = Eventually.await(
                        "file.refused", () -> bench.appliance.audit(EventType.FILE_REFUSED), r -> r.size() == 1)
                .get(0);
        assertThat(refused.outcome()).isEqualTo("failure");
        assertThat(refused.reason()).startsWith("nothing was stored: ");
        Eventually.await("no file left", () -> listing(shared), List::isEmpty);
        assertThat(bench.appliance.audit(EventType.FILE_PUT)).isEmpty();
    }

    @Test
    void theFolderListIsKeptAsRealPaths() throws Exception {
        Path alias = Files.createSymbolicLink(work.resolve("alias"), outside);
        bench.appliance.ok("files allow", "--path", alias.toString());
        assertThat(bench.appliance.ok("files list").out())
                .containsPattern(java.util.regex.Pattern.quote(outside.toString()) + " +read-only")
                .containsPattern(java.util.regex.Pattern.quote(shared.toString()) + " +read-write");
        assertThat(bench.appliance.ok("files list", "--json").out()).contains("\"path\" : \"" + outside + "\"");
        bench.appliance.ok("files remove", "--path", alias.toString());
        assertThat(bench.appliance
                        .run("files remove", "--path", outside.toString())
                        .error())
                .isEqualTo("folder " + outside + " is not allowed");
        assertThat(bench.appliance
                        .run("files allow", "--path", work.resolve("nope").toString())
                        .error())
                .isEqualTo("folder " + work.resolve("nope") + " does not exist");
        assertThat(bench.appliance.audit(EventType.FOLDER_ALLOWED)).hasSize(3);
        assertThat(bench.appliance.audit(EventType.FOLDER_REMOVED))
                .singleElement()
                .satisfies(r -> assertThat(r.target()).isEqualTo(outside.toString()));
    }

    private SessionCredentials credentials() {
        return bench.engineers.credentials(bench.engineers.alice, SessionBench.SERIAL, SessionBench.TICKET);
    }

    private TestServer.Response request(String method, String path, byte[] body) throws Exception {
        return TestServer.request(bench.link, Engineers.file(method, path, credentials()), body)
                .get(20, TimeUnit.SECONDS);
    }

    private void assertRefused(String method, String path, int status, String reason) throws Exception {
        TestServer.Response response = request(method, path, new byte[0]);
        assertThat(response.status()).as("%s %s", method, path).isEqualTo(status);
        assertThat(response.reason()).isEqualTo(reason);
        ApplianceAuditRecord last = bench.appliance
                .audit(EventType.FILE_REFUSED)
                .get(bench.appliance.audit(EventType.FILE_REFUSED).size() - 1);
        assertThat(last.reason()).isEqualTo(reason);
    }

    private static List<String> listing(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

package dev.secureconnect.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiverTrustTest {

    @TempDir
    Path dir;

    @Test
    void noCaFileMeansTheJdkDefault() throws Exception {
        assertThat(ReceiverTrust.sslContext(null)).isSameAs(SSLContext.getDefault());
    }

    @Test
    void aCaFileGivesItsOwnContext() throws Exception {
        Path ca = Files.writeString(
                dir.resolve("ca.pem"),
                Pem.certificates(List.of(TestPki.shared().rootCertificate())),
                StandardCharsets.US_ASCII);

        SSLContext context = ReceiverTrust.sslContext(ca);

        assertThat(context).isNotSameAs(SSLContext.getDefault());
        assertThat(context.getSocketFactory()).isNotNull();
    }

    @Test
    void anUnusableCaFileIsNamedOnOneLine() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not-a-ca.pem"), "not a certificate\n");
        Path missing = dir.resolve("missing-ca.pem");

        for (Path bad : List.of(notPem, missing)) {
            assertThatThrownBy(() -> ReceiverTrust.sslContext(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("ca: ")
                    .hasMessageContaining(bad.toString())
                    .hasMessageNotContaining("\n");
        }
    }
}

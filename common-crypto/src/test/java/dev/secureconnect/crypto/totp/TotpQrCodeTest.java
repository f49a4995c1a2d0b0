package dev.secureconnect.crypto.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.secureconnect.crypto.CryptoException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TotpQrCodeTest {

    static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    final OtpAuthUri uri = OtpAuthUri.of(TotpSecret.generate(), "alice");

    @Test
    void thePngIsAQrCodeOfTheUri() throws Exception {
        byte[] png = TotpQrCode.png(uri);
        assertThat(Arrays.copyOf(png, PNG_MAGIC.length)).isEqualTo(PNG_MAGIC);
        assertThat(decode(png)).isEqualTo(uri.uri());
    }

    @Test
    void theSizeIsChosenWithinBounds() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(TotpQrCode.png(uri, 200)));
        assertThat(image.getWidth()).isEqualTo(200);
        assertThat(image.getHeight()).isEqualTo(200);
        assertThatThrownBy(() -> TotpQrCode.png(uri, 10)).hasMessage("size: 10 (expected: 100..2000)");
    }

    @Test
    void writeCreatesAFileOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alice.png");
        TotpQrCode.write(uri, file);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(decode(Files.readAllBytes(file))).isEqualTo(uri.uri());
    }

    @Test
    void writeNeverOverwritesAndNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken.png"), "keep me");
        assertThatThrownBy(() -> TotpQrCode.write(uri, file))
                .isInstanceOf(CryptoException.class)
                .hasMessage(file + " already exists: choose a new file for the QR code");
        assertThat(Files.readString(file)).isEqualTo("keep me");

        Path nowhere = dir.resolve("missing/alice.png");
        assertThatThrownBy(() -> TotpQrCode.write(uri, nowhere))
                .isInstanceOf(CryptoException.class)
                .hasMessage("cannot create " + nowhere + ": its directory does not exist");
    }

    static String decode(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        return new QRCodeReader().decode(bitmap).getText();
    }
}

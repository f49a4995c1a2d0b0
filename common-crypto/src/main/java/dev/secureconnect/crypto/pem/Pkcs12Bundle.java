package dev.secureconnect.crypto.pem;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A PKCS#12 file holding one private key with its certificate chain (leaf, issuing CA, root), as browsers,
 * curl and {@code openssl pkcs12} use it. Written with the JDK's PKCS#12 keystore, whose Java 17 defaults are
 * PBES2 with AES-256 and an HMAC-SHA-256 MAC, which OpenSSL 3 opens without its legacy provider.
 */
public record Pkcs12Bundle(PrivateKey privateKey, List<X509Certificate> chain) {

    public Pkcs12Bundle {
        requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: empty (expected: the leaf certificate first)");
        }
    }

    /** The alias of the key entry. */
    public static final String ALIAS = "identity";

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public byte[] encode(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, privateKey, password, chain.toArray(Certificate[]::new));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new CryptoException("cannot write the PKCS#12 bundle: " + e.getMessage(), e);
        }
    }

    public static Pkcs12Bundle read(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate certificate : store.getCertificateChain(alias)) {
                    chain.add((X509Certificate) certificate);
                }
                return new Pkcs12Bundle((PrivateKey) key, chain);
            }
            throw new CryptoException(file + " holds no private key entry");
        } catch (UnrecoverableKeyException e) {
            throw new CryptoException("wrong password for " + file, e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new CryptoException("wrong password for " + file, e);
            }
            throw new CryptoException(file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CryptoException(file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Pkcs12Bundle[" + certificate().getSubjectX500Principal().getName() + ", private key hidden]";
    }
}

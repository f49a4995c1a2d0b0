package dev.secureconnect.crypto.keys;

import dev.secureconnect.crypto.CryptoException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.RSAKeyGenParameterSpec;

/** Generates RSA key pairs (public exponent 65537) from the platform's strong random source. */
public final class RsaKeyPairs {

    private RsaKeyPairs() {}

    public static KeyPair generate(RsaKeySize size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(
                    new RSAKeyGenParameterSpec(size.bits(), RSAKeyGenParameterSpec.F4), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot generate an RSA " + size.bits() + "-bit key pair", e);
        }
    }
}

package dev.secureconnect.crypto.keys;

import dev.secureconnect.crypto.CryptoException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;

/** An RSA modulus size SecureConnect accepts: 2048 (the default), 3072 or 4096 bits. */
public record RsaKeySize(int bits) {

    public static final int MINIMUM_BITS = 2048;
    private static final Set<Integer> ALLOWED = Set.of(2048, 3072, 4096);
    public static final RsaKeySize DEFAULT = new RsaKeySize(MINIMUM_BITS);

    public RsaKeySize {
        if (bits < MINIMUM_BITS) {
            throw new CryptoException("key size " + bits + " bits is too small: RSA keys must be at least "
                    + MINIMUM_BITS + " bits (use 2048, 3072 or 4096)");
        }
        if (!ALLOWED.contains(bits)) {
            throw new CryptoException("key size " + bits + " bits is not supported: use 2048, 3072 or 4096");
        }
    }

    public static RsaKeySize of(int bits) {
        return new RsaKeySize(bits);
    }

    /**
     * Checks that a key received from elsewhere (a CSR, a peer) is RSA of at least {@link #MINIMUM_BITS} bits.
     *
     * @param what names the key's origin in the error message, e.g. "the CSR's key"
     * @return the key's modulus size in bits
     */
    public static int requireAcceptable(PublicKey key, String what) {
        if (!(key instanceof RSAPublicKey rsa)) {
            throw new CryptoException(what + " is " + key.getAlgorithm()
                    + ": SecureConnect certificates use RSA keys of 2048 bits or more");
        }
        int bits = rsa.getModulus().bitLength();
        if (bits < MINIMUM_BITS) {
            throw new CryptoException(what + " is RSA " + bits + " bits: at least " + MINIMUM_BITS + " are required");
        }
        return bits;
    }
}

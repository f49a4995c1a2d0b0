package dev.secureconnect.crypto.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * Presents one key and its chain, held in memory. Netty's {@code keyManager(PrivateKey, chain)} would first build a
 * throw-away PKCS#12 key store and on JDK 17 encrypt and decrypt the key in it (PBES2, 10,000 iterations) — the
 * largest part of a short-lived CLI's start-up before its first handshake.
 *
 * <p>For BoringSSL it is {@link #keyless}: it hands over the chain only, and BoringSSL signs through the
 * {@link PolicySigner}, which holds the key (BoringSSL would sign with a key it holds itself as it likes).
 */
final class FixedKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "secureconnect";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    private final boolean keyless;

    FixedKeyManager(KeyMaterial keys) {
        this(keys, false);
    }

    private FixedKeyManager(KeyMaterial keys, boolean keyless) {
        this.key = keys.privateKey();
        this.chain = keys.chain().toArray(X509Certificate[]::new);
        this.keyless = keyless;
    }

    /** Presents the chain of {@code keys} but never its private key: {@link #getPrivateKey} answers null. */
    static FixedKeyManager keyless(KeyMaterial keys) {
        return new FixedKeyManager(keys, true);
    }

    private @Nullable String aliasFor(String keyType) {
        return key.getAlgorithm().equalsIgnoreCase(keyType) ? ALIAS : null;
    }

    private @Nullable String aliasForAny(String @Nullable [] keyTypes) {
        return keyTypes == null
                ? null
                : Arrays.stream(keyTypes)
                        .map(this::aliasFor)
                        .filter(a -> a != null)
                        .findFirst()
                        .orElse(null);
    }

    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasForAny(keyTypes);
    }

    @Override
    public @Nullable String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasForAny(keyTypes);
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) && !keyless ? key : null;
    }
}

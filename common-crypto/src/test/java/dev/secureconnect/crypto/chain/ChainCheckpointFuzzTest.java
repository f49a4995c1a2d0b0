package dev.secureconnect.crypto.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

/**
 * The audit checkpoints an appliance sends over its link ({@link ChainCheckpoint#verified}, which the server runs on
 * each): read, or refused with a {@link CryptoException} whose message is one line; nothing else escapes. An input
 * file is a mode byte, then: {@code J} a compact JWS as sent; {@code C} the claims (JSON) the test signs, as the
 * appliance would, so the checks behind the signature are reached; {@code T} the JWS {@code typ} of a signed,
 * otherwise valid checkpoint.
 */
class ChainCheckpointFuzzTest {

    private static final KeyPair KEYS = ecKeys();
    private static final String CLAIMS =
            "{\"serial\":\"SN-1\",\"seq\":7,\"hash\":\"abab\",\"signedAt\":\"2026-01-01T00:00:00Z\"}";

    @FuzzTest
    void verifiesOrRefusesOnOneLine(byte[] input) {
        if (input.length < 1) {
            return;
        }
        String rest = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        String jws =
                switch (input[0]) {
                    case 'J' -> rest;
                    case 'C' -> signed(ChainCheckpoint.TYPE, rest);
                    case 'T' -> signed(rest, CLAIMS);
                    default -> null;
                };
        if (jws == null) {
            return;
        }
        try {
            ChainCheckpoint checkpoint = ChainCheckpoint.verified(jws, KEYS.getPublic());
            checkpoint.verify(KEYS.getPublic());
            assertThat(checkpoint.seq()).isPositive();
        } catch (CryptoException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }

    /** {@code claims} signed ES256 with the test's key, with JWS type {@code type}. */
    private static String signed(String type, String claims) {
        try {
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .type(new JOSEObjectType(type))
                            .build(),
                    new Payload(claims));
            jws.sign(new ECDSASigner((ECPrivateKey) KEYS.getPrivate()));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

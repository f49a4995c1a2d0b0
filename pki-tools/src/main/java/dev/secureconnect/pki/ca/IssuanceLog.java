package dev.secureconnect.pki.ca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.chain.HashChain;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pki.CertificateSigner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.operator.ContentSigner;

/**
 * The CA's append-only issuance log: one JSON object per line, SHA-256 hash-chained and each hash signed by the
 * issuing CA key, so that an edited, removed or reordered entry is found by {@link #verify}.
 */
final class IssuanceLog {

    private static final ObjectMapper JSON = Mappers.json();
    private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

    private final Path file;

    IssuanceLog(Path file) {
        this.file = file;
    }

    /** The entry that would follow {@code last} (null for the first), hashed and signed. */
    static LogEntry next(LogEntry.Body unnumbered, long lastSeq, String lastHash, CertificateSigner signingKey) {
        LogEntry.Body body = new LogEntry.Body(
                lastSeq + 1,
                unnumbered.time(),
                unnumbered.actor(),
                unnumbered.action(),
                unnumbered.role(),
                unnumbered.serial(),
                unnumbered.identity(),
                unnumbered.detail());
        String hash = HashChain.link(lastHash, canonical(body));
        return new LogEntry(
                body.seq(),
                body.time(),
                body.actor(),
                body.action(),
                body.role(),
                body.serial(),
                body.identity(),
                body.detail(),
                lastHash,
                hash,
                sign(hash, signingKey));
    }

    /** Appends one entry and forces it to disk before returning. */
    void append(LogEntry entry) {
        byte[] line;
        try {
            line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new PkiException("cannot encode the issuance log entry: " + e.getMessage(), e);
        }
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new PkiException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks every entry: it parses, its sequence number follows the one before, its prevHash is the previous
     * hash, its hash is right and its signature verifies; and the last entry is the head the index recorded.
     *
     * @return the number of entries checked
     * @throws PkiException naming the first bad entry
     */
    int verify(PublicKey issuingKey, long expectedSeq, String expectedHead) {
        List<String> lines = lines();
        long seq = 0;
        String previous = HashChain.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            LogEntry entry;
            try {
                entry = JSON.readValue(lines.get(i), LogEntry.class);
            } catch (IOException e) {
                throw new PkiException(
                        "issuance log line " + lineNumber + " is not a valid entry: it was edited or corrupted");
            }
            if (entry.seq() != seq + 1) {
                throw new PkiException("issuance log line " + lineNumber + " has seq " + entry.seq() + " where "
                        + (seq + 1) + " was expected: an entry was removed or reordered");
            }
            if (!previous.equals(entry.prevHash())) {
                throw new PkiException("issuance log entry " + entry.seq()
                        + " does not chain to the entry before it: an entry was removed, reordered or edited");
            }
            String hash = HashChain.link(previous, canonical(entry.body()));
            if (!hash.equals(entry.hash())) {
                throw new PkiException(
                        "issuance log entry " + entry.seq() + " was edited: its hash does not match its content");
            }
            if (!verifySignature(hash, entry.signature(), issuingKey)) {
                throw new PkiException("issuance log entry " + entry.seq()
                        + " has a signature that the issuing CA did not make: the log was rewritten");
            }
            seq = entry.seq();
            previous = hash;
        }
        if (seq != expectedSeq || !previous.equals(expectedHead)) {
            throw new PkiException("issuance log ends at entry " + seq + " but the index records entry " + expectedSeq
                    + " as its head: entries were removed from the end or the index was altered");
        }
        return lines.size();
    }

    private List<String> lines() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] canonical(LogEntry.Body body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new PkiException("cannot encode an issuance log entry: " + e.getMessage(), e);
        }
    }

    private static String sign(String hash, CertificateSigner signer) {
        ContentSigner contentSigner = signer.contentSigner();
        try (OutputStream out = contentSigner.getOutputStream()) {
            out.write(hash.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new PkiException("cannot sign the issuance log entry: " + e.getMessage(), e);
        }
        return Base64.getEncoder().encodeToString(contentSigner.getSignature());
    }

    private static boolean verifySignature(String hash, String signatureBase64, PublicKey key) {
        if (signatureBase64 == null) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
            signature.initVerify(key);
            signature.update(hash.getBytes(StandardCharsets.US_ASCII));
            return signature.verify(Base64.getDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}

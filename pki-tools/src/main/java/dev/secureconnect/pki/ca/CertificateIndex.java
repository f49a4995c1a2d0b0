package dev.secureconnect.pki.ca;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code index.json}: every certificate the CA issued, the number of the last CRL, and the head of the issuance
 * log (so that entries cut from the end of the log are noticed).
 */
public record CertificateIndex(
        int version, long crlNumber, long logSeq, String logHead, List<IndexEntry> certificates) {

    static final int VERSION = 1;

    public CertificateIndex {
        certificates = List.copyOf(certificates);
    }

    static CertificateIndex empty() {
        return new CertificateIndex(VERSION, 0, 0, dev.secureconnect.crypto.chain.HashChain.GENESIS, List.of());
    }

    public Optional<IndexEntry> find(String serialHex) {
        return certificates.stream()
                .filter(entry -> entry.serial().equalsIgnoreCase(serialHex))
                .findFirst();
    }

    CertificateIndex with(IndexEntry added) {
        List<IndexEntry> all = new ArrayList<>(certificates);
        all.add(added);
        return new CertificateIndex(version, crlNumber, logSeq, logHead, all);
    }

    CertificateIndex replacing(IndexEntry updated) {
        List<IndexEntry> all = new ArrayList<>();
        for (IndexEntry entry : certificates) {
            all.add(entry.serial().equals(updated.serial()) ? updated : entry);
        }
        return new CertificateIndex(version, crlNumber, logSeq, logHead, all);
    }

    CertificateIndex withCrlNumber(long number) {
        return new CertificateIndex(version, number, logSeq, logHead, certificates);
    }

    CertificateIndex withLogHead(long seq, String hash) {
        return new CertificateIndex(version, crlNumber, seq, hash, certificates);
    }
}

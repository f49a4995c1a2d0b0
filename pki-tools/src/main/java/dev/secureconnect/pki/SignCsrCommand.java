package dev.secureconnect.pki;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.pki.ca.CaDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sign-csr", description = "Signs a PKCS#10 request whose key stays on the requesting machine.")
final class SignCsrCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Mixin
    CaOptions ca;

    @Option(
            names = "--role",
            required = true,
            paramLabel = "ROLE",
            converter = LeafRole.class,
            description = "server, appliance, engineer or api-client: the CSR's identity must be of this role.")
    CertificateRole role;

    @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The PEM certificate request.")
    Path csr;

    @Option(
            names = "--days",
            paramLabel = "N",
            description = "Validity in days (default: 397 server, 1095 appliance, 365 engineer and api-client).")
    Integer days;

    @Option(names = "--renew", description = "Sign even though the appliance already has a valid certificate.")
    boolean renew;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "OUT",
            description = "Folder to write cert.pem, chain.pem and ca.pem into.")
    Path out;

    SignCsrCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        int validity = Days.requirePositive(days == null ? defaultDays(role) : days, "--days");
        CertificateSigningRequest request = Pem.readCsr(csr);
        CertificateIdentity identity = request.identityFor(role);
        CaDirectory directory = ca.open(terminal);
        try (CaDirectory.Lock lock = directory.lock()) {
            CertificateAuthority authority = ca.unlock(terminal, directory);
            Issuance issuance = new Issuance(terminal, directory, authority);
            issuance.requireNoValidAppliance(identity, renew);
            Issuance.prepareOutput(out, List.of(Issuance.CERT, Issuance.CHAIN, Issuance.CA));
            issuance.issue(identity, request.publicKey(), null, validity, "sign-csr", out, null);
        }
        return 0;
    }

    static int defaultDays(CertificateRole role) {
        return switch (role) {
            case SERVER -> 397;
            case APPLIANCE -> 1095;
            case ENGINEER, API_CLIENT -> 365;
            case ROOT_CA, ISSUING_CA, ENROLMENT_CA ->
                throw new IllegalArgumentException("role: " + role + " (expected: a leaf role)");
        };
    }
}

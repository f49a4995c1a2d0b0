package dev.secureconnect.server.enrolment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.tunnel.enrolment.EnrolmentAnswer;
import dev.secureconnect.tunnel.enrolment.EnrolmentRequest;
import dev.secureconnect.tunnel.enrolment.InvalidEnrolmentRequestException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the enrolment listener does with one request body: reads it ({@link EnrolmentRequest#parse}), enrols
 * ({@link Enrolments#enrol}: every check, the signature, the audit record), and answers with the certificate, its
 * chain, the root, the server's public token key set and the appliance listener's port; or with a 4xx answer whose
 * {@code error} is the one-line reason (audited as {@code enrolment.refused}). Blocking (database, signing): it runs
 * on the server's blocking executor, never on an event loop.
 */
public final class EnrolmentEndpoint {

    /** An answer to write: its status and JSON body. */
    public record Answer(HttpResponseStatus status, byte[] body) {
        public Answer {
            requireNonNull(status, "status");
            requireNonNull(body, "body");
        }
    }

    private final Enrolments enrolments;
    private final Supplier<String> tokenKeys;
    private final IntSupplier applianceListenerPort;
    private final List<X509Certificate> issuingCas;

    /**
     * @param issuingCas the CA certificates below the root that sign the server's and engineers' certificates (the
     *     server's {@code tls.chain}): the enrolled appliance needs them to check engineers' certificates
     * @param tokenKeys the server's current public token key set (JWK Set JSON)
     * @param applianceListenerPort the port the appliance listener is bound to
     */
    public EnrolmentEndpoint(
            Enrolments enrolments,
            List<X509Certificate> issuingCas,
            Supplier<String> tokenKeys,
            IntSupplier applianceListenerPort) {
        this.enrolments = requireNonNull(enrolments, "enrolments");
        this.issuingCas = List.copyOf(issuingCas);
        this.tokenKeys = requireNonNull(tokenKeys, "tokenKeys");
        this.applianceListenerPort = requireNonNull(applianceListenerPort, "applianceListenerPort");
    }

    /** Answers the request {@code body} from {@code source}. */
    public Answer answer(byte[] body, InetAddress source) {
        EnrolmentRequest request;
        try {
            request = EnrolmentRequest.parse(body);
        } catch (InvalidEnrolmentRequestException e) {
            return refusal(enrolments.refuseMalformed(String.valueOf(e.getMessage()), source));
        }
        Enrolments.Enrolled enrolled;
        try {
            enrolled = enrolments.enrol(request.code(), request.serial(), request.csr(), source);
        } catch (EnrolmentException e) {
            return refusal(e);
        }
        List<X509Certificate> chain = enrolled.chain();
        X509Certificate root = chain.get(chain.size() - 1);
        // the certificate's own CAs first (the enrolment CA), then the issuing CA(s) engineers' certificates chain to
        List<X509Certificate> cas = new ArrayList<>(chain.subList(0, chain.size() - 1));
        issuingCas.stream().filter(ca -> !cas.contains(ca) && !ca.equals(root)).forEach(cas::add);
        EnrolmentAnswer answer = new EnrolmentAnswer(
                Pem.certificates(List.of(enrolled.certificate())),
                Pem.certificates(cas),
                Pem.certificates(List.of(root)),
                tokenKeys.get(),
                applianceListenerPort.getAsInt());
        return new Answer(HttpResponseStatus.OK, answer.toJson());
    }

    /** A 4xx (or, for the server's own problem, 503) answer {@code {"error", "reason"}}. */
    static Answer refusal(EnrolmentException e) {
        HttpResponseStatus status =
                switch (e.reason()) {
                    case MALFORMED_REQUEST, MALFORMED_CODE, BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
                    case HAS_CERTIFICATE -> HttpResponseStatus.CONFLICT;
                    case OPERATOR -> HttpResponseStatus.SERVICE_UNAVAILABLE;
                    default -> HttpResponseStatus.FORBIDDEN;
                };
        return error(status, e.reason().code(), e.getMessage());
    }

    /** {@code {"error": message on one line, "reason": code}}. */
    static Answer error(HttpResponseStatus status, String reason, @org.jspecify.annotations.Nullable String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", OneLine.of(message));
        body.put("reason", reason);
        try {
            return new Answer(status, Mappers.json().writeValueAsBytes(body));
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write an enrolment refusal: " + e.getMessage(), e);
        }
    }
}

package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.renewal.ApplianceCertificate;
import dev.secureconnect.appliance.renewal.RenewalRefusedException;
import dev.secureconnect.appliance.renewal.RenewalSchedule;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.RenewedCertificate;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's half of certificate renewal over the link (docs/pki.md):
 *
 * <ul>
 *   <li>when the certificate is due ({@link RenewalSchedule}, read on the injected clock at least hourly), a new key
 *       is made and kept on disk and its request goes into the hello until the server answers;
 *   <li>{@code POST /v1/certificate} carries the answer: a certificate is checked and installed beside the old one
 *       ({@link ApplianceCertificate#install}), audited {@code certificate.renewed} and then answered 200, and the
 *       supervisor switches links once the current one is idle; a certificate that does not check is answered 422
 *       and audited {@code certificate.renewal-refused}; a refusal by the server is audited
 *       {@code link.renewal-refused}. Either refusal drops the new key and asks again after a back-off;
 *   <li>the first link the server admits with the renewed certificate proves it: {@code appliance.json} is switched
 *       to it ({@link ApplianceCertificate#promote}); one that fails before its admission sends the appliance back to
 *       its old certificate while it is valid ({@code link.certificate-fallback}).
 * </ul>
 *
 * <p>Used on the link's event loop only (asserted); the files are handled on {@code worker}.
 */
final class CertificateUpdates {

    private static final Logger log = LoggerFactory.getLogger(CertificateUpdates.class);
    /** The clock is read again at least this often (it may jump; the certificate's end may near). */
    static final Duration LONGEST_WAIT = Duration.ofHours(1);
    /** Back-off of a refused renewal: from a minute, doubling, up to an hour. */
    static final Backoff RETRY = new Backoff(Duration.ofMinutes(1), Duration.ofHours(1));

    /** What the renewal asks of the link. */
    interface Link {
        /** The certificate request the hello carries from now on (empty: none). */
        void renewalCsr(String csr);

        /** A renewed certificate was installed: the next link dials with it; switch links once this one is idle. */
        void switchWhenIdle();
    }

    private final EventLoop loop;
    private final ApplianceCertificate files;
    private RenewalSchedule schedule;
    private final Executor worker;
    private final Sessions sessions;
    private final Clock clock;
    private final Backoff retry;
    private final String serial;
    private final String server;
    private final Link link;

    /** What the next attempt dials with. */
    private Enrolment.Material current;
    /** The key of {@link #current}, for other threads (the audit checkpoints are signed with it). */
    private volatile PrivateKey currentKey;
    /** The old certificate while {@link #current} is a renewed one not proven yet; else null. */
    private Enrolment.@Nullable Material previous;

    private boolean asking;
    private boolean notRenewableSaid;
    private int failures;
    private boolean closed;
    private @Nullable ScheduledFuture<?> timer;

    /**
     * @param configured the certificate {@code appliance.json} names
     * @param renewed a renewed certificate installed but not proven (the next link tries it first), or null
     * @param server the server dialled, for the audit records
     */
    CertificateUpdates(
            EventLoop loop,
            ApplianceCertificate files,
            RenewalSchedule schedule,
            Executor worker,
            Sessions sessions,
            Clock clock,
            Backoff retry,
            Enrolment.Material configured,
            Enrolment.@Nullable Material renewed,
            String server,
            Link link) {
        this.loop = requireNonNull(loop, "loop");
        this.files = requireNonNull(files, "files");
        this.schedule = requireNonNull(schedule, "schedule");
        this.worker = requireNonNull(worker, "worker");
        this.sessions = requireNonNull(sessions, "sessions");
        this.clock = requireNonNull(clock, "clock");
        this.retry = requireNonNull(retry, "retry");
        this.serial = configured.serial();
        this.server = requireNonNull(server, "server");
        this.link = requireNonNull(link, "link");
        this.current = renewed != null ? renewed : configured;
        this.currentKey = current.keys().privateKey();
        this.previous = renewed != null ? configured : null;
    }

    /** The certificate and key the next attempt dials with (on the loop). */
    Enrolment.Material current() {
        assert loop.inEventLoop();
        return current;
    }

    /** The key of the certificate the next attempt dials with (any thread). */
    PrivateKey currentKey() {
        return currentKey;
    }

    private void use(Enrolment.Material material) {
        current = material;
        currentKey = material.keys().privateKey();
    }

    /** Whether {@code used} is a renewed certificate not proven on a link yet. */
    boolean unproven(Enrolment.Material used) {
        return previous != null && used == current;
    }

    /** Looks whether the certificate is due now, then on its own schedule. */
    void start() {
        assert loop.inEventLoop();
        check();
    }

    /** A changed {@code renewal.when} ({@code reload}): looked at at once. */
    void reschedule(RenewalSchedule changed) {
        assert loop.inEventLoop();
        schedule = requireNonNull(changed, "changed");
        if (timer != null) {
            timer.cancel(false);
        }
        check();
    }

    void close() {
        assert loop.inEventLoop();
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Whether the certificate is due; if so, a new key and its request for the hello (the key made on the worker). */
    void check() {
        assert loop.inEventLoop();
        timer = null;
        if (closed || asking) {
            return;
        }
        if (!RenewalSchedule.renewable(current.keys().chain())) {
            if (!notRenewableSaid) {
                notRenewableSaid = true;
                log.info(
                        "appliance {}: its certificate was not signed by the server's enrolment CA, so it is not renewed"
                                + " over the link: renew it by hand (sc-pki issue … --renew) or enrol with a code",
                        serial);
            }
            return;
        }
        if (previous != null) { // a renewed certificate waits for its first link
            later(LONGEST_WAIT);
            return;
        }
        X509Certificate certificate = current.keys().certificate();
        Duration until = schedule.untilDue(certificate, clock.instant());
        if (!until.isZero()) {
            later(until.compareTo(LONGEST_WAIT) < 0 ? until : LONGEST_WAIT);
            return;
        }
        asking = true;
        CompletableFuture.supplyAsync(() -> files.request(serial), worker)
                .whenComplete((csr, failure) -> loop.execute(() -> {
                    if (failure != null) {
                        asking = false;
                        log.error(
                                "appliance {}: cannot ask for a renewed certificate: {}",
                                serial,
                                OneLine.reason(Sessions.unwrap(failure)));
                        retryLater();
                        return;
                    }
                    if (closed) {
                        return;
                    }
                    log.info(
                            "appliance {}: certificate {} is due for renewal (valid until {}): a new key is made,"
                                    + " its request goes in the hello",
                            serial,
                            fingerprint(certificate),
                            certificate.getNotAfter().toInstant());
                    link.renewalCsr(csr);
                }));
    }

    /** {@code POST /v1/certificate}: the server's answer to the request of the hello. */
    void received(Http2StreamChannel stream, byte[] body) {
        assert loop.inEventLoop();
        RenewedCertificate answer;
        try {
            answer = LinkJson.decode(body, RenewedCertificate.class);
        } catch (LinkException e) {
            StreamRequestHandler.respond(stream, 400, OneLine.of(String.valueOf(e.getMessage())));
            return;
        }
        if (answer.wasRefused()) {
            serverRefused(stream, answer.refused());
            return;
        }
        Enrolment.Material old = current;
        CompletableFuture.supplyAsync(() -> files.install(answer.certificates(), old), worker)
                .whenComplete((installed, failure) -> loop.execute(() -> {
                    if (failure != null) {
                        notInstalled(stream, old, Sessions.unwrap(failure));
                    } else {
                        installed(stream, old, installed);
                    }
                }));
    }

    private void installed(
            Http2StreamChannel stream, Enrolment.Material old, ApplianceCertificate.Installed installed) {
        asking = false;
        failures = 0;
        link.renewalCsr("");
        previous = old;
        use(installed.material());
        later(LONGEST_WAIT);
        log.info(
                "appliance {}: renewed certificate {} installed (valid until {}); the old one {} is kept until the new"
                        + " one has carried a link",
                serial,
                installed.fingerprint(),
                installed.until(),
                installed.oldFingerprint());
        sessions.audit(ApplianceAuditEvent.of(EventType.CERTIFICATE_RENEWED, Sessions.SERVER_ACTOR)
                        .target("certificate")
                        .reason("renewed over the link: " + installed.oldFingerprint() + " -> "
                                + installed.fingerprint())
                        .detail("oldFingerprint", installed.oldFingerprint())
                        .detail("fingerprint", installed.fingerprint())
                        .detail("until", installed.until().toString())
                        .build())
                .whenComplete((done, ignored) -> loop.execute(() -> {
                    StreamRequestHandler.respondWith(stream, new byte[0], true);
                    link.switchWhenIdle();
                }));
    }

    private void notInstalled(Http2StreamChannel stream, Enrolment.Material old, Throwable cause) {
        asking = false;
        link.renewalCsr("");
        String reason = OneLine.of(String.valueOf(cause.getMessage()));
        if (!(cause instanceof RenewalRefusedException)) {
            log.error("appliance {}: cannot install the renewed certificate: {}", serial, reason, cause);
            StreamRequestHandler.respond(stream, 500, "cannot install the renewed certificate: " + reason);
            dropRequestThenRetry();
            return;
        }
        log.warn("appliance {}: renewed certificate from the server refused: {}", serial, reason);
        sessions.audit(ApplianceAuditEvent.of(EventType.CERTIFICATE_RENEWAL_REFUSED, LinkAudit.APPLIANCE)
                        .target("certificate")
                        .refused(reason)
                        .detail("fingerprint", fingerprint(old.keys().certificate()))
                        .detail("reportedBy", "appliance")
                        .build())
                .whenComplete((done, ignored) -> loop.execute(() -> StreamRequestHandler.respond(stream, 422, reason)));
        dropRequestThenRetry();
    }

    private void serverRefused(Http2StreamChannel stream, String reason) {
        asking = false;
        link.renewalCsr("");
        log.warn("appliance {}: the server refused to renew its certificate: {}", serial, reason);
        sessions.audit(ApplianceAuditEvent.of(EventType.LINK_RENEWAL_REFUSED, Sessions.SERVER_ACTOR)
                        .target(server)
                        .refused(reason)
                        .build())
                .whenComplete((done, ignored) ->
                        loop.execute(() -> StreamRequestHandler.respondWith(stream, new byte[0], true)));
        dropRequestThenRetry();
    }

    /**
     * The server admitted a link dialled with {@code used}: a renewed certificate is proven, and {@code appliance.json}
     * is switched to it (on the worker).
     */
    void admitted(Enrolment.Material used) {
        assert loop.inEventLoop();
        if (!unproven(used)) {
            return;
        }
        previous = null;
        CompletableFuture.runAsync(files::promote, worker)
                .whenComplete((done, failure) -> loop.execute(() -> {
                    if (failure != null) {
                        log.error(
                                "appliance {}: cannot switch appliance.json to the renewed certificate (it is tried again at"
                                        + " the next start): {}",
                                serial,
                                OneLine.reason(Sessions.unwrap(failure)));
                    } else {
                        log.info(
                                "appliance {}: switched to the renewed certificate {}",
                                serial,
                                fingerprint(used.keys().certificate()));
                    }
                    later(LONGEST_WAIT);
                }));
    }

    /**
     * A link dialled with {@code used} reached the server but ended before its admission: if {@code used} is a
     * renewed certificate not proven yet and the old one is still valid, the appliance goes back to the old one
     * (audited) and renews again after a back-off.
     *
     * @return whether it went back
     */
    boolean failedBeforeAdmission(Enrolment.Material used, String problem) {
        assert loop.inEventLoop();
        Enrolment.Material old = previous;
        if (old == null
                || used != current
                || !old.keys().certificate().getNotAfter().toInstant().isAfter(clock.instant())) {
            return false;
        }
        String refused = fingerprint(used.keys().certificate());
        log.warn(
                "appliance {}: the link with the renewed certificate {} failed ({}): back to the old certificate {}",
                serial,
                refused,
                problem,
                fingerprint(old.keys().certificate()));
        use(old);
        previous = null;
        sessions.audit(ApplianceAuditEvent.of(EventType.LINK_CERTIFICATE_FALLBACK, LinkAudit.APPLIANCE)
                .target(server)
                .failed(OneLine.of(problem))
                .detail("fingerprint", refused)
                .build());
        CompletableFuture.runAsync(files::dropRenewed, worker).whenComplete((done, failure) -> {
            if (failure != null) {
                log.error(
                        "appliance {}: cannot remove the refused renewed certificate: {}",
                        serial,
                        OneLine.reason(Sessions.unwrap(failure)));
            }
        });
        failures++;
        loop.execute(this::retryLater);
        return true;
    }

    private void dropRequestThenRetry() {
        failures++;
        CompletableFuture.runAsync(files::dropRequest, worker)
                .whenComplete((done, failure) -> loop.execute(() -> {
                    if (failure != null) {
                        log.error(
                                "appliance {}: cannot drop the refused renewal's key: {}",
                                serial,
                                OneLine.reason(Sessions.unwrap(failure)));
                    }
                    retryLater();
                }));
    }

    private void retryLater() {
        later(retry.next(Math.max(1, failures)));
    }

    private void later(Duration delay) {
        if (closed) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timer = loop.schedule(this::check, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private static String fingerprint(X509Certificate certificate) {
        return CertificateFingerprint.of(certificate).colonHex();
    }
}

package dev.secureconnect.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.server.audit.ServerAuditRecord;
import org.junit.jupiter.api.Test;

/**
 * Runs each JMH benchmark's set-up, one invocation of every benchmark method and its tear-down directly (not through
 * JMH's runner, and timing nothing), so that a benchmark broken by a change to the code it measures fails the build.
 */
class JmhBenchmarksTest {

    @Test
    void relayMovesBytesBothWaysThroughTls() throws Exception {
        RelayBenchmark relay = new RelayBenchmark();
        try {
            relay.start(2); // the benchmark primes 32 MiB; 2 is enough to run the priming too
            long echoed = 2 / 2 * RelayBenchmark.MIB + 2 * 16;
            assertThat(relay.oneWayMiB())
                    .as("acknowledgements of whole MiB at the far end")
                    .isEqualTo(3);
            assertThat(relay.echoMiB()).as("bytes echoed back").isEqualTo(echoed + RelayBenchmark.MIB);
            assertThat(relay.pingPong()).as("bytes echoed back").isEqualTo(echoed + RelayBenchmark.MIB + 1);
        } finally {
            relay.tearDown();
        }
    }

    @Test
    void accessTokenIsAcceptedByTheVerifierAndTheAppliance() throws Exception {
        AccessTokenBenchmark tokens = new AccessTokenBenchmark();
        try {
            tokens.setUp();
            assertThat(tokens.verify().appliance()).isEqualTo(AccessTokenBenchmark.SERIAL);
            assertThat(tokens.authorizeOnAppliance().engineer()).isEqualTo("bench-alice");
        } finally {
            tokens.tearDown();
        }
    }

    @Test
    void auditAppendsChainOneAfterAnother() {
        AuditAppendBenchmark audit = new AuditAppendBenchmark();
        try {
            audit.setUp();
            ServerAuditRecord first = audit.appendOneThread();
            ServerAuditRecord second = audit.appendEightThreads();
            assertThat(second.seq()).isEqualTo(first.seq() + 1);
            assertThat(second.prevHash()).isEqualTo(first.hash());
        } finally {
            audit.tearDown();
        }
    }

    @Test
    void totpCodeVerifiesAndEveryLoginIsAFreshAcceptedCode() {
        TotpBenchmark totp = new TotpBenchmark();
        try {
            totp.setUp();
            assertThat(totp.verifyCode()).isPresent();
            assertThat(totp.loginSecondFactor().ok()).isTrue();
            assertThat(totp.loginSecondFactor().ok()).isTrue();
        } finally {
            totp.tearDown();
        }
    }
}

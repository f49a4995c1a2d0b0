package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's first command: {@code bin/sc-demo} runs the product end to end and says so. */
class DemoIT {

    @Test
    void theDemoRunsEndToEnd() throws Exception {
        Launcher.Result demo = Launcher.run(java.time.Duration.ofMinutes(5), java.util.Map.of(), "sc-demo");
        assertThat(demo.exitCode()).as(demo.describe()).isZero();
        assertThat(demo.out() + demo.err())
                .contains("certificate revoked")
                .contains("appliance.connected")
                .contains("appliance.disconnected")
                .contains("audit log intact")
                .contains("demo finished");
        String work = (demo.out())
                .lines()
                .filter(line -> line.startsWith("== working in "))
                .findFirst()
                .orElseThrow()
                .substring("== working in ".length());
        // the demo's first sc-engineer command started bob's agent in the background: the demo stops it at its end
        LeftoverProcesses.assertNoneWith(
                "SECURECONNECT_HOME", work + "/engineer-home", java.time.Duration.ofSeconds(15));
    }
}

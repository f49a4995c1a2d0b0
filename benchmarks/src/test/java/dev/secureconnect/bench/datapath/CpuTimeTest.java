package dev.secureconnect.bench.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class CpuTimeTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void aChildsCpuTimeIsCountedUnderItsRoleAndOnlyForItsProduct() throws Exception {
        CpuTime before = CpuTime.now();
        // a shell busy for a bounded count, named like the server's jar so that it counts as "server"
        Process busy = new ProcessBuilder(
                        "sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 2", "sc-server.jar")
                .start();
        try {
            Map<String, Double> seconds = Map.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (busy.isAlive() && System.nanoTime() < deadline && !seconds.containsKey("server")) {
                Thread.onSpinWait();
                seconds = CpuTime.now().secondsSince(before, true);
            }
            assertThat(seconds).containsKey("server");
            assertThat(seconds.get("server")).isPositive();
            assertThat(CpuTime.now().secondsSince(before, false)).doesNotContainKey("server");
        } finally {
            busy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void perGibNamesEachRoleWithItsSecondsPerGib() {
        assertThat(CpuTime.perGib(Map.of("server", 2.0), 2L << 30)).isEqualTo("server 1.00");
        assertThat(CpuTime.total(Map.of("a", 1.5, "b", 0.5))).isEqualTo(2.0);
    }
}

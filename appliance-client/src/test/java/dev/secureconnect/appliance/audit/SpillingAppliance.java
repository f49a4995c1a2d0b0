package dev.secureconnect.appliance.audit;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.events.EventType;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A daemon-like process whose {@code audit.log} cannot be written: it submits closed streams {@code s-0, s-1, …} as the
 * daemon does ({@link ApplianceAuditLog#submitRetried}) and prints {@code HELD i} once record {@code i} is in the spill
 * file, until {@link AuditSpillTest} kills it ({@code kill -9}): {@code SpillingAppliance DIR}.
 */
public final class SpillingAppliance {

    private static final int MOST = 10_000;

    private SpillingAppliance() {}

    public static void main(String[] args) throws Exception {
        ApplianceDirectory directory = ApplianceDirectory.open(Path.of(args[0]));
        ApplianceAuditLog log = ApplianceAuditLog.open(directory, Clock.systemUTC(), ApplianceConfig.Audit.DEFAULT);
        for (int i = 0; i < MOST; i++) {
            log.submitRetried(ApplianceAuditEvent.of(EventType.STREAM_CLOSED, "server")
                    .session("s-" + i)
                    .build());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ApplianceAuditLog.held(directory).size() < i + 2) { // audit.degraded, then s-0 … s-i
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("record " + i + " was not spilled within 10 s");
                }
                Thread.sleep(2);
            }
            System.out.println("HELD " + i);
            System.out.flush();
        }
    }
}

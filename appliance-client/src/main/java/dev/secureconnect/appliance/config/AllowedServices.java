package dev.secureconnect.appliance.config;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.ServiceEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds and removes allow-listed services in {@code appliance.json} under its lock, audited, with the same checks
 * whoever asks ({@code sc-appliance services}, the console). The caller then tells a running daemon to reload.
 */
public final class AllowedServices {

    private AllowedServices() {}

    /** Allow-lists {@code name} on {@code port}; returns the entry. */
    public static ServiceEntry add(
            ApplianceDirectory directory, ApplianceAuditLog audit, String actor, String name, int port) {
        ServiceEntry entry;
        try {
            entry = new ServiceEntry(name, port);
        } catch (IllegalArgumentException e) {
            throw new ApplianceException(e.getMessage(), e);
        }
        directory.updateConfig(config -> {
            for (ServiceEntry existing : config.services()) {
                if (existing.name().equals(entry.name())) {
                    throw new ApplianceException("a service named '" + entry.name() + "' is already allow-listed (port "
                            + existing.port() + "): remove it first");
                }
                if (existing.port() == entry.port()) {
                    throw new ApplianceException(
                            "port " + entry.port() + " is already allow-listed as '" + existing.name() + "'");
                }
            }
            List<ServiceEntry> services = new ArrayList<>(config.services());
            services.add(entry);
            ApplianceConfig changed = config.withServices(services);
            audit.append(ApplianceAuditEvent.of(EventType.SERVICE_ALLOWED, actor)
                    .target("127.0.0.1:" + entry.port())
                    .reason("service " + entry.name())
                    .build());
            return changed;
        });
        return entry;
    }

    /** Removes the service named {@code name}; returns the entry removed. */
    public static ServiceEntry remove(
            ApplianceDirectory directory, ApplianceAuditLog audit, String actor, String name) {
        ServiceEntry[] removed = new ServiceEntry[1];
        directory.updateConfig(config -> {
            List<ServiceEntry> services = new ArrayList<>(config.services());
            removed[0] = services.stream()
                    .filter(s -> s.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new ApplianceException("no service named '" + name + "' is allow-listed"));
            services.remove(removed[0]);
            ApplianceConfig changed = config.withServices(services);
            audit.append(ApplianceAuditEvent.of(EventType.SERVICE_REMOVED, actor)
                    .target("127.0.0.1:" + removed[0].port())
                    .reason("service " + removed[0].name())
                    .build());
            return changed;
        });
        return removed[0];
    }
}

package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.link.ApplianceLinks;
import dev.secureconnect.server.link.ConnectedAppliance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/appliances} (bearer session): the appliances connected to this node, with the tickets accepted
 * on their links, their allow-listed services, since when and from where. In memory: runs on the event loop.
 */
final class AppliancesEndpoint implements Endpoint {

    private final ApplianceLinks links;

    AppliancesEndpoint(ApplianceLinks links) {
        this.links = requireNonNull(links, "links");
    }

    @Override
    public ApiResponse handle(ApiCall call) {
        List<Map<String, Object>> list = links.connectedAppliances().stream()
                .map(AppliancesEndpoint::row)
                .toList();
        return ApiResponse.ok(Map.of("appliances", list));
    }

    private static Map<String, Object> row(ConnectedAppliance appliance) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("serial", appliance.serial());
        row.put("tickets", appliance.tickets());
        row.put(
                "services",
                appliance.services().stream()
                        .map(service -> Map.<String, Object>of("name", service.name(), "port", service.port()))
                        .toList());
        row.put("since", appliance.since().toString());
        row.put("address", appliance.address());
        return row;
    }
}

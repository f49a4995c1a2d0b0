package dev.secureconnect.appliance.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * One open session as the admin sees it ({@code sc-appliance} admin API {@code sessions}, the console's open
 * connections).
 *
 * @param id the server's session id
 * @param engineer the engineer's login (from the verified token), or null before it verified
 * @param engineerName the engineer's name from the certificate the token is bound to (its subject CN), or null before
 *     the token verified; untrusted text (one line), escaped wherever it is shown
 * @param kind {@code connect}, {@code exec}, {@code get} or {@code put}
 * @param started when it opened (ISO-8601, UTC)
 * @param bytesIn bytes from the engineer to the appliance so far (a relay's; 0 for other kinds)
 * @param bytesOut bytes from the appliance to the engineer so far
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "ticket", "engineer", "engineerName", "kind", "target", "started", "bytesIn", "bytesOut"})
public record OpenSession(
        String id,
        String ticket,
        @Nullable String engineer,
        @Nullable String engineerName,
        String kind,
        String target,
        String started,
        long bytesIn,
        long bytesOut) {}

package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.tunnel.link.ServiceEntry;
import dev.secureconnect.tunnel.link.StreamRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stream policy: loopback literal, allow-listed port, admitted ticket — anything else denied, with its reason. */
class AllowListPolicyTest {

    private static final AllowListPolicy POLICY = new AllowListPolicy(
            List.of(new ServiceEntry("ssh", 22), new ServiceEntry("web", 8443)), Set.of("12345678")::contains);

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ok/ipv4-loopback          | 127.0.0.1        | 22    | 12345678 | true  | ssh",
                "ok/ipv6-loopback          | ::1              | 8443  | 12345678 | true  | web",
                "ok/ipv6-loopback-long     | 0:0:0:0:0:0:0:1  | 22    | 12345678 | true  | ssh",
                "fail/other-host           | 10.0.0.1         | 22    | 12345678 | false | host 10.0.0.1 is not this appliance's loopback address: streams may only reach 127.0.0.1 or ::1",
                "fail/other-loopback       | 127.0.0.2        | 22    | 12345678 | false | host 127.0.0.2 is not this appliance's loopback address",
                "fail/name-localhost       | localhost        | 22    | 12345678 | false | host localhost is not this appliance's loopback address",
                "fail/any-address          | 0.0.0.0          | 22    | 12345678 | false | host 0.0.0.0 is not",
                "fail/mapped-ipv4          | ::ffff:127.0.0.1 | 22    | 12345678 | false | host ::ffff:127.0.0.1 is not",
                "fail/public-name          | example.com      | 22    | 12345678 | false | host example.com is not",
                "fail/port-not-listed      | 127.0.0.1        | 23    | 12345678 | false | port 23 is not allow-listed on this appliance",
                "fail/ticket-not-admitted  | 127.0.0.1        | 22    | 87654321 | false | ticket 87654321 is not connected on this appliance",
                "fail/no-ticket            | 127.0.0.1        | 22    | ''       | false | the stream names no ticket",
            })
    void decides(String name, String host, int port, String ticket, boolean allowed, String detail) {
        AccessVerdict<StreamTarget> decision = POLICY.decide(new StreamRequest(host, port, "s-1", ticket, ""));
        assertThat(decision.allowed()).isEqualTo(allowed);
        if (allowed) {
            assertThat(decision.value().service()).isEqualTo(detail);
            assertThat(decision.value().address().getAddress().isLoopbackAddress())
                    .isTrue();
            assertThat(decision.value().address().isUnresolved()).isFalse();
            assertThat(decision.value().address().getPort()).isEqualTo(port);
        } else {
            assertThat(decision.reason()).startsWith(detail);
            assertThat(decision.value()).isNull();
        }
    }

    @org.junit.jupiter.api.Test
    void nothingIsAllowedWithoutServices() {
        AllowListPolicy empty = new AllowListPolicy(List.of(), ticket -> true);
        assertThat(empty.decide(StreamRequest.loopback(22, "s", "12345678")).allowed())
                .isFalse();
        assertThat(StreamPolicy.DENY_ALL
                        .decide(StreamRequest.loopback(22, "s", "12345678"))
                        .allowed())
                .isFalse();
    }
}

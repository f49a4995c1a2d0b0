package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A support case as the appliance learns of it: checked field by field, refused on one line. */
class CaseNoticeTest {

    private static final String VALID = "{\"cases\":[{\"id\":\"C12345678\",\"ticket\":\"12345678\",\"title\":\"disk"
            + " full\",\"severity\":\"high\",\"scope\":{\"services\":[\"web\"],\"commands\":[\"df\"],\"folders\":"
            + "[\"/var/log\"],\"seconds\":14400},\"openedAt\":\"2026-12-07T20:00:00Z\",\"state\":\"open\"}]}";

    @Test
    void aValidListRoundTrips() {
        CaseNotice.Cases cases = LinkJson.decode(VALID.getBytes(StandardCharsets.UTF_8), CaseNotice.Cases.class);

        CaseNotice notice = cases.cases().get(0);
        assertThat(notice.ticket()).isEqualTo("12345678");
        assertThat(notice.scope().describe()).isEqualTo("services web; commands df; folders /var/log; for 4h");
        assertThat(LinkJson.decode(LinkJson.encode(cases), CaseNotice.Cases.class))
                .isEqualTo(cases);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"id\":\"C12345678\"|\"id\":\"12345678\"|case id '12345678' is not valid",
                "\"ticket\":\"12345678\"|\"ticket\":\"87654321\"|is not the case id's eight digits",
                "\"state\":\"open\"|\"state\":\"reopened\"|is not one of open, approved, declined, closed",
                "\"seconds\":14400|\"seconds\":10|is not between one minute and seven days",
                "[\"/var/log\"]|[\"/var/../etc\"]|is not an absolute path without '..'",
                "[\"web\"]|[\"we b\"]|is not a name",
                "\"2026-12-07T20:00:00Z\"|\"yesterday\"|is not an ISO-8601 instant"
            })
    void aBadFieldIsRefusedOnOneLine(String from, String to, String message) {
        byte[] bad = VALID.replace(from, to).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LinkJson.decode(bad, CaseNotice.Cases.class))
                .isInstanceOf(LinkException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
                .rootCause()
                .hasMessageContaining(message);
    }

    @Test
    void aTitleIsKeptOnOneLineAndADecisionReasonToo() {
        CaseNotice notice = new CaseNotice(
                "C12345678",
                "12345678",
                "disk\u000bfull\u2028now",
                "low",
                new CaseNotice.Scope(List.of(), List.of(), List.of(), 600),
                "2026-12-07T20:00:00Z",
                "open");
        assertThat(notice.title()).doesNotContain("\u000b", "\u2028");
        assertThat(new CaseNotice.Decision("C12345678", "declined", "not\nnow", null).reason())
                .doesNotContain("\n");
        assertThatThrownBy(() -> new CaseNotice.Decision("C12345678", "maybe", "", ""))
                .isInstanceOf(LinkException.class)
                .hasMessage("decision on case C12345678: 'maybe' is not approved or declined");
    }
}

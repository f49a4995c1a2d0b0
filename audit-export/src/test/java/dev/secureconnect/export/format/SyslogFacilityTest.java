package dev.secureconnect.export.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyslogFacilityTest {

    @Test
    void parsesNamesAndNumbers() {
        assertThat(SyslogFacility.parse("auth").code()).isEqualTo(4);
        assertThat(SyslogFacility.parse("AUTHPRIV").code()).isEqualTo(10);
        assertThat(SyslogFacility.parse("local0").code()).isEqualTo(16);
        assertThat(SyslogFacility.parse("local7").code()).isEqualTo(23);
        assertThat(SyslogFacility.parse("audit")).isEqualTo(SyslogFacility.AUDIT);
        assertThat(SyslogFacility.parse("log-audit").code()).isEqualTo(13);
        assertThat(SyslogFacility.parse("0")).isEqualTo(SyslogFacility.KERN);
        assertThat(SyslogFacility.parse("23")).isEqualTo(SyslogFacility.LOCAL7);
        assertThat(SyslogFacility.DEFAULT.code()).isEqualTo(13);
    }

    @Test
    void refusesOthersListingTheChoices() {
        assertThatThrownBy(() -> SyslogFacility.parse("24"))
                .hasMessageStartingWith("facility: '24' (expected: 0-23 or one of kern, user, mail,")
                .hasMessageEndingWith("local6, local7)");
        assertThatThrownBy(() -> SyslogFacility.parse("local8")).hasMessageStartingWith("facility: 'local8'");
        assertThatThrownBy(() -> SyslogFacility.of(-1)).hasMessage("facility: -1 (expected: 0-23)");
    }
}

package dev.secureconnect.export.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.export.format.MessageFormat;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyslogSettingsTest {

    private static final Path CA = Path.of("ca.pem");

    @Test
    void defaults() {
        SyslogSettings settings = SyslogSettings.of(SyslogTransport.TCP, "siem.example", 514, MessageFormat.CEF);
        assertThat(settings.facility()).isEqualTo(13);
        assertThat(settings.connectTimeout()).isEqualTo(SyslogSettings.DEFAULT_CONNECT_TIMEOUT);
        assertThat(settings.writeTimeout()).isEqualTo(SyslogSettings.DEFAULT_WRITE_TIMEOUT);
        assertThat(settings.address()).isEqualTo("siem.example:514");
    }

    @Test
    void ipv6Literals() {
        assertThat(SyslogSettings.of(SyslogTransport.UDP, "[2001:db8::1]", 514, MessageFormat.CEF)
                        .address())
                .isEqualTo("[2001:db8::1]:514");
        assertThat(SyslogSettings.of(SyslogTransport.UDP, "2001:db8::1", 514, MessageFormat.CEF)
                        .bareHost())
                .isEqualTo("2001:db8::1");
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> SyslogSettings.of(SyslogTransport.TCP, "h", 0, MessageFormat.CEF))
                .hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> SyslogSettings.of(SyslogTransport.TCP, "a b", 514, MessageFormat.CEF))
                .hasMessage("host: 'a b' (expected: a DNS name or an IP address)");
        assertThatThrownBy(() -> new SyslogSettings(
                        SyslogTransport.TCP, "h", 514, MessageFormat.CEF, 24, null, null, null, null, null))
                .hasMessage("facility: 24 (expected: 0-23)");
        assertThatThrownBy(() -> new SyslogSettings(
                        SyslogTransport.TLS, "h", 6514, MessageFormat.CEF, 13, null, null, null, null, null))
                .hasMessageStartingWith("ca: missing");
        assertThatThrownBy(() -> new SyslogSettings(
                        SyslogTransport.TLS, "h", 6514, MessageFormat.CEF, 13, CA, Path.of("c.pem"), null, null, null))
                .hasMessageStartingWith("certificate and key: only one given");
        assertThatThrownBy(() -> new SyslogSettings(
                        SyslogTransport.TCP, "h", 514, MessageFormat.CEF, 13, CA, null, null, null, null))
                .hasMessage("ca, certificate, key: given for transport tcp (expected: only with" + " transport tls)");
        assertThatThrownBy(() -> new SyslogSettings(
                        SyslogTransport.TCP, "h", 514, MessageFormat.CEF, 13, null, null, null, Duration.ZERO, null))
                .hasMessage("connectTimeout: PT0S (expected: > PT0S and <= PT10M)");
        assertThatThrownBy(() -> SyslogTransport.parse("relp"))
                .hasMessage("transport: 'relp' (expected: one of udp, tcp, tls)");
    }
}

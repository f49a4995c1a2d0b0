package dev.secureconnect.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tarball and the two .deb files that {@code mvn package} wrote, read entry by entry. */
class DistributionArchivesIT {

    private static final List<String> TOOLS = List.of("sc-pki", "sc-server", "sc-appliance", "sc-engineer");
    private static final List<String> HARDENING = List.of(
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "Restart=on-failure",
            "User=secureconnect",
            "LimitNOFILE=");

    @Test
    void theTarballHoldsTheFourToolsTheirJarsUnitsExampleConfigurationManPagesAndCompletion() throws IOException {
        Map<String, Archives.Entry> tar = Archives.tar(Archives.built("secureconnect.tarball"));
        String top = tar.keySet().iterator().next().split("/")[0] + "/";
        assertThat(top).startsWith("secureconnect-");
        for (String tool : TOOLS) {
            String folder = tool.substring("sc-".length());
            assertThat(tar.get(top + "bin/" + tool)).as(tool).isNotNull();
            assertThat(tar.get(top + "bin/" + tool).mode() & 0755).isEqualTo(0755);
            assertThat(tar.get(top + "bin/" + tool).text()).contains("/" + folder + "/" + tool + ".jar");
            assertThat(tar).containsKey(top + folder + "/" + tool + ".jar");
            assertThat(tar.keySet()).anyMatch(name -> name.startsWith(top + folder + "/lib/picocli-"));
            assertThat(tar).containsKey(top + "share/man/man1/" + tool + ".1");
            assertThat(tar.get(top + "share/bash-completion/completions/" + tool)
                            .text())
                    .contains("complete -F");
        }
        assertThat(tar)
                .containsKeys(
                        top + "share/man/man1/sc-server-run.1",
                        top + "share/man/man1/sc-appliance-run.1",
                        top + "etc/server.env",
                        top + "etc/appliance.env",
                        top + "docs/install.md",
                        top + "README.md");
        assertThat(tar.get(top + "share/man/man1/sc-server-run.1").text()).contains(".TH \"SC\\-SERVER\\-RUN\" \"1\"");
        for (String unit : List.of("secureconnect-server.service", "secureconnect-appliance.service")) {
            assertThat(tar.get(top + "systemd/" + unit).text()).contains(HARDENING);
        }
    }

    @Test
    void theServerPackage() throws IOException {
        checkDeb("server", "sc-server", "/var/lib/secureconnect/server/server.yaml", "LimitNOFILE=65536");
    }

    @Test
    void theAppliancePackage() throws IOException {
        checkDeb("appliance", "sc-appliance", "/var/lib/secureconnect/appliance/appliance.json", "LimitNOFILE=8192");
    }

    private static void checkDeb(String role, String tool, String setUp, String limit) throws IOException {
        Map<String, byte[]> members = Archives.deb(Archives.built("secureconnect.deb." + role));
        assertThat(members.keySet()).first().isEqualTo("debian-binary");
        Map<String, Archives.Entry> control = Archives.debTar(members, "control.tar");
        assertThat(control.get("control").text())
                .contains("Package: secureconnect-" + role + "\n", "Architecture: all", "openjdk-17-jre-headless");
        assertThat(control.get("conffiles").text()).isEqualTo("/etc/secureconnect/" + role + ".env\n");
        assertThat(control.get("postinst").text()).contains("useradd --system", "/var/lib/secureconnect/" + role);
        assertThat(control.get("postinst").mode() & 0755).isEqualTo(0755);
        assertThat(control.get("postrm").text()).contains("purge", "rm -rf /var/lib/secureconnect/" + role);

        Map<String, Archives.Entry> data = Archives.debTar(members, "data.tar");
        assertThat(data.get("usr/bin/" + tool).linkName()).isEqualTo("/usr/lib/secureconnect/bin/" + tool);
        assertThat(data.get("usr/lib/secureconnect/bin/" + tool).mode() & 0755).isEqualTo(0755);
        assertThat(data)
                .containsKeys(
                        "usr/lib/secureconnect/" + role + "/" + tool + ".jar",
                        "etc/secureconnect/" + role + ".env",
                        "usr/share/man/man1/" + tool + ".1",
                        "usr/share/man/man1/" + tool + "-run.1",
                        "usr/share/bash-completion/completions/" + tool,
                        "usr/share/doc/secureconnect-" + role + "/install.md");
        assertThat(data.keySet())
                .anyMatch(name -> name.startsWith("usr/lib/secureconnect/" + role + "/lib/netty-"))
                .noneMatch(name -> name.startsWith("var/")) // made by postinst, kept by remove, gone on purge
                .noneMatch(name -> name.contains("sc-pki") || name.contains("sc-engineer"));
        String unit = data.get("lib/systemd/system/secureconnect-" + role + ".service")
                .text();
        assertThat(unit)
                .contains(HARDENING)
                .contains(limit, "ReadWritePaths=/var/lib/secureconnect/" + role, "ConditionPathExists=" + setUp);
    }
}

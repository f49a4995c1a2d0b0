package dev.secureconnect.export;

import static java.util.Objects.requireNonNull;

/**
 * Who sends the messages: the syslog HOSTNAME and APP-NAME, the CEF/LEEF vendor, product and version.
 *
 * @param hostname the server's node name (server.yaml {@code node}), e.g. {@code sc-server-1}
 * @param appName {@code sc-server}
 * @param productVersion the SecureConnect version, e.g. {@code 0.1.0}
 */
public record ExportOrigin(String hostname, String appName, String productVersion) {

    public static final String VENDOR = "SecureConnect";
    public static final String PRODUCT = "SecureConnect Server";

    public ExportOrigin {
        requireNonNull(hostname, "hostname");
        requireNonNull(appName, "appName");
        requireNonNull(productVersion, "productVersion");
    }
}

package dev.secureconnect.export.webhook;

import java.net.URI;

/** How a webhook's address is shown in descriptions, logs and errors: without user info and query, which may hold secrets. */
final class WebhookAddress {

    private WebhookAddress() {}

    /** {@code https://host[:port]/path}, or {@code <no host>} parts left out when the URI has none. */
    static String display(URI url) {
        StringBuilder text = new StringBuilder();
        if (url.getScheme() != null) {
            text.append(url.getScheme()).append("://");
        }
        text.append(url.getHost() == null ? "<no host>" : url.getHost());
        if (url.getPort() >= 0) {
            text.append(':').append(url.getPort());
        }
        if (url.getRawPath() != null) {
            text.append(url.getRawPath());
        }
        return text.toString();
    }
}

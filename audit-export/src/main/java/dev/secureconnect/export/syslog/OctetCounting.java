package dev.secureconnect.export.syslog;

import java.nio.charset.StandardCharsets;

/** RFC 6587 §3.4.1 octet-counting framing: {@code MSG-LEN SP SYSLOG-MSG}, MSG-LEN the octets of the message. */
final class OctetCounting {

    private OctetCounting() {}

    static byte[] frame(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(body, 0, frame, prefix.length, body.length);
        return frame;
    }
}

package dev.secureconnect.appliance.console;

import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.internal.Json;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The activity log as CSV (RFC 4180) for a spreadsheet. A cell a spreadsheet would take for a formula (starting with
 * {@code = + - @}, tab or carriage return) is prefixed with {@code '}.
 */
final class Csv {

    static final String HEADER =
            "seq,time,eventId,event,actor,ticket,session,target,outcome,reason,bytesToService,bytesFromService,details";

    private Csv() {}

    static String of(List<ApplianceAuditRecord> records) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (ApplianceAuditRecord r : records) {
            csv.append(r.seq()).append(',');
            cell(csv, r.time()).append(',');
            csv.append(r.eventId()).append(',');
            cell(csv, r.event()).append(',');
            cell(csv, r.actor()).append(',');
            cell(csv, r.ticket()).append(',');
            cell(csv, r.session()).append(',');
            cell(csv, r.target()).append(',');
            cell(csv, r.outcome()).append(',');
            cell(csv, r.reason()).append(',');
            cell(csv, r.bytesToService() == null ? null : r.bytesToService().toString())
                    .append(',');
            cell(csv, r.bytesFromService() == null ? null : r.bytesFromService().toString())
                    .append(',');
            cell(csv, r.details() == null ? null : Json.line(r.details())).append("\r\n");
        }
        return csv.toString();
    }

    static StringBuilder cell(StringBuilder csv, @Nullable String value) {
        if (value == null) {
            return csv;
        }
        String text = value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return csv.append('"').append(text.replace("\"", "\"\"")).append('"');
    }
}

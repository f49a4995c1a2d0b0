package dev.secureconnect.reports;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a report is rendered as; each format has its template, {@code session.<extension>.hbs}. */
public enum ReportFormat {
    TEXT("txt"),
    HTML("html");

    private final String extension;

    ReportFormat(String extension) {
        this.extension = extension;
    }

    /** The template's file name, e.g. {@code session.txt.hbs}. */
    public String templateFile() {
        return templateName() + ReportRenderer.TEMPLATE_SUFFIX;
    }

    String templateName() {
        return "session." + extension;
    }

    /**
     * The format named {@code text} or {@code html} (any case).
     *
     * @throws ReportException for any other name
     */
    public static ReportFormat parse(String name) {
        for (ReportFormat format : values()) {
            if (format.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return format;
            }
        }
        throw new ReportException("unknown report format '" + name + "' (expected: "
                + Arrays.stream(values())
                        .map(f -> f.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(" or "))
                + ")");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

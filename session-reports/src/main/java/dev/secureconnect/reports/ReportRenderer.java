package dev.secureconnect.reports;

import static java.util.Objects.requireNonNull;

import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.HandlebarsError;
import com.github.jknack.handlebars.HandlebarsException;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.io.ClassPathTemplateLoader;
import com.github.jknack.handlebars.io.CompositeTemplateLoader;
import com.github.jknack.handlebars.io.FileTemplateLoader;
import com.github.jknack.handlebars.io.TemplateLoader;
import com.github.jknack.handlebars.io.TemplateSource;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link SessionReport} with Handlebars: {@code session.txt.hbs} for {@link ReportFormat#TEXT} (nothing
 * escaped), {@code session.html.hbs} for {@link ReportFormat#HTML} (every {@code {{value}}} HTML-escaped). The shipped
 * templates live in {@code dev/secureconnect/reports/templates}; a template of the same name in the override folder
 * replaces the shipped one (partials are looked up there first too). Every template is compiled when the renderer is
 * made, so a broken one is reported at once.
 *
 * <p>What a template sees: {@code sessionId}, {@code engineer}, {@code applianceSerial}, {@code ticket}, {@code kind},
 * {@code target}, {@code sourceAddress}, {@code start}, {@code end}, {@code open}, {@code duration}, {@code outcome},
 * {@code endReason}, {@code bytesToAppliance}, {@code bytesFromAppliance}, {@code hasBytes}, {@code actionCount} and
 * {@code actions}, each with {@code number} (from 1), {@code seq}, {@code time}, {@code event}, {@code outcome},
 * {@code succeeded} and {@code summary}. Missing values are null. Helpers: {@code {{time t}}} (ISO-8601 to the
 * second), {@code {{duration d}}} ({@code 2m 05s}), {@code {{bytes n}}} ({@code 1,234 bytes}); each gives nothing for
 * a missing value.
 */
public final class ReportRenderer {

    static final String TEMPLATE_SUFFIX = ".hbs";
    static final String SHIPPED_FOLDER = "/dev/secureconnect/reports/templates";

    private final Map<ReportFormat, Template> templates;
    private final Map<ReportFormat, String> origins;

    private ReportRenderer(Map<ReportFormat, Template> templates, Map<ReportFormat, String> origins) {
        this.templates = templates;
        this.origins = origins;
    }

    /**
     * A renderer with the shipped templates, each replaced by the one of the same name in {@code overrides} when that
     * folder holds it.
     *
     * @throws ReportException if the folder does not exist, or a template cannot be read or compiled (naming the file
     *     and line)
     */
    public static ReportRenderer of(Optional<Path> overrides) {
        requireNonNull(overrides, "overrides");
        overrides.ifPresent(ReportRenderer::requireFolder);
        Map<ReportFormat, Template> templates = new EnumMap<>(ReportFormat.class);
        Map<ReportFormat, String> origins = new EnumMap<>(ReportFormat.class);
        for (ReportFormat format : ReportFormat.values()) {
            String origin = overrides
                    .map(folder -> folder.resolve(format.templateFile()))
                    .filter(Files::isRegularFile)
                    .map(file -> "template " + file)
                    .orElse("shipped template " + format.templateFile());
            origins.put(format, origin);
            templates.put(format, compile(handlebars(format, overrides), format, origin));
        }
        return new ReportRenderer(templates, origins);
    }

    /**
     * The report in {@code format}.
     *
     * @throws ReportException if the template fails while rendering (naming the file and line)
     */
    public String render(SessionReport report, ReportFormat format) {
        requireNonNull(report, "report");
        requireNonNull(format, "format");
        try {
            return requireNonNull(templates.get(format), "template").apply(model(report));
        } catch (HandlebarsException e) {
            throw new ReportException(describe(origins.get(format), e, "cannot be rendered"), e);
        } catch (IOException e) {
            throw new ReportException(origins.get(format) + " cannot be rendered: " + e.getMessage(), e);
        }
    }

    private static void requireFolder(Path folder) {
        if (!Files.exists(folder)) {
            throw new ReportException("the template folder " + folder + " does not exist");
        }
        if (!Files.isDirectory(folder)) {
            throw new ReportException("the template folder " + folder + " is not a folder");
        }
    }

    private static Handlebars handlebars(ReportFormat format, Optional<Path> overrides) {
        TemplateLoader shipped = new ClassPathTemplateLoader(SHIPPED_FOLDER, TEMPLATE_SUFFIX);
        TemplateLoader loader = overrides
                .<TemplateLoader>map(folder ->
                        new CompositeTemplateLoader(new FileTemplateLoader(folder.toFile(), TEMPLATE_SUFFIX), shipped))
                .orElse(shipped);
        Handlebars handlebars = new Handlebars(loader).prettyPrint(true);
        if (format == ReportFormat.TEXT) {
            handlebars.with(EscapingStrategy.NOOP);
        }
        handlebars.registerHelper("time", helper(Instant.class, Display::time));
        handlebars.registerHelper("duration", helper(Duration.class, Display::duration));
        handlebars.registerHelper("bytes", helper(Number.class, count -> Display.bytes(count.longValue())));
        return handlebars;
    }

    private static <T> Helper<Object> helper(Class<T> type, java.util.function.Function<T, String> show) {
        return (value, options) -> {
            if (value == null) {
                return "";
            }
            if (!type.isInstance(value)) {
                throw new IllegalArgumentException(options.helperName + ": " + value + " is not a "
                        + type.getSimpleName().toLowerCase(java.util.Locale.ROOT));
            }
            return show.apply(type.cast(value));
        };
    }

    private static Template compile(Handlebars handlebars, ReportFormat format, String origin) {
        try {
            TemplateSource source = handlebars.getLoader().sourceAt(format.templateName());
            return handlebars.compile(source);
        } catch (HandlebarsException e) {
            throw new ReportException(describe(origin, e, "does not compile"), e);
        } catch (IOException e) {
            throw new ReportException(origin + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@code template /x/session.txt.hbs does not compile: line 3, column 7: found '}}', expected …}. */
    private static String describe(@Nullable String origin, HandlebarsException e, String problem) {
        HandlebarsError error = e.getError();
        String where = error == null ? "" : "line " + error.line + ", column " + error.column + ": ";
        String reason = error == null ? String.valueOf(e.getMessage()) : error.reason;
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && (error == null || reason.contains(cause.getMessage()))) {
            reason = cause.getMessage(); // a helper's own message, without the exception's class
        }
        return origin + " " + problem + ": " + where + OneLine.folded(reason);
    }

    private static Map<String, Object> model(SessionReport report) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("sessionId", report.sessionId());
        model.put("engineer", report.engineer());
        model.put("applianceSerial", report.applianceSerial());
        model.put("ticket", report.ticket());
        model.put("kind", report.kind());
        model.put("target", report.target());
        model.put("sourceAddress", report.sourceAddress());
        model.put("start", report.start());
        model.put("end", report.end());
        model.put("open", report.isOpen());
        model.put("duration", report.duration());
        model.put("outcome", report.outcome());
        model.put("endReason", report.endReason());
        model.put("bytesToAppliance", report.bytesToAppliance());
        model.put("bytesFromAppliance", report.bytesFromAppliance());
        model.put("hasBytes", report.bytesToAppliance() != null || report.bytesFromAppliance() != null);
        model.put("actionCount", report.actions().size());
        List<Map<String, Object>> actions = new ArrayList<>();
        int number = 1;
        for (SessionReport.Action action : report.actions()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("number", number++);
            item.put("seq", action.seq());
            item.put("time", action.time());
            item.put("event", action.event());
            item.put("outcome", action.outcome());
            item.put("succeeded", action.succeeded());
            item.put("summary", action.summary());
            actions.add(item);
        }
        model.put("actions", actions);
        return model;
    }
}

package dev.secureconnect.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {

    /** What every record has in fields of its own: no event lists these among its fields. */
    private static final Set<String> COMMON_FIELDS = Set.of(
            "actor",
            "appliance",
            "applianceSerial",
            "ticket",
            "session",
            "sessionId",
            "source",
            "sourceAddress",
            "outcome");

    @Test
    void idsAndNamesAreUniqueAndEveryEventIsDescribedAndCategorised() {
        EventType[] all = EventType.values();
        assertThat(Arrays.stream(all).map(EventType::id).distinct()).hasSize(all.length);
        assertThat(Arrays.stream(all).map(EventType::eventName).distinct()).hasSize(all.length);
        assertThat(all).allSatisfy(type -> {
            assertThat(type.category()).as(type + " category").isNotBlank();
            assertThat(type.description())
                    .as(type + " description")
                    .isNotBlank()
                    .doesNotContain("|", "\n");
            assertThat(EventType.byId(type.id())).isSameAs(type);
        });
    }

    @Test
    void everyFieldIsDocumentedAndEveryDocumentedFieldIsUsed() {
        assertThat(EventType.values()).allSatisfy(type -> {
            assertThat(type.fields())
                    .as(type + " fields")
                    .doesNotHaveDuplicates()
                    .allSatisfy(field -> assertThat(field).matches("[a-z][A-Za-z0-9]*"))
                    .doesNotContainAnyElementsOf(COMMON_FIELDS);
            assertThat(EventCatalogue.FIELD_MEANINGS.keySet())
                    .as(type + " fields without a meaning in the dictionary")
                    .containsAll(type.fields());
        });
        Set<String> used = Arrays.stream(EventType.values())
                .flatMap(type -> type.fields().stream())
                .collect(Collectors.toSet());
        assertThat(EventCatalogue.FIELD_MEANINGS.keySet())
                .as("meanings of fields no event has")
                .isSubsetOf(used);
        assertThat(EventCatalogue.FIELD_MEANINGS.values())
                .allSatisfy(meaning -> assertThat(meaning).isNotBlank().doesNotContain("|", "\n"));
    }

    @Test
    void eventsNotYetEmittedListTheFieldsAgreedForThem() {
        assertThat(EventType.AUDIT_CHECKPOINT.fields()).containsExactly("previousCheckpoint", "keyId");
        assertThat(EventType.SINK_DELIVERY_FAILING.fields())
                .containsExactly("sink", "type", "target", "error", "deliveredSeq");
        assertThat(EventType.SINK_DELIVERY_RECOVERED.fields())
                .containsExactly("sink", "type", "target", "deliveredSeq", "failedFor");
        assertThat(EventType.SINK_ADDED.fields()).containsExactly("sink", "type", "target", "format");
        assertThat(EventType.SINK_REMOVED.fields()).containsExactly("sink");
        assertThat(EventType.SINK_TEST.fields()).containsExactly("sink");
        assertThat(EventType.AUDIT_EXPORTED.fields()).containsExactly("from", "to", "signedThrough", "file");
    }

    @Test
    void fieldsAreImmutable() {
        assertThatThrownBy(() -> EventType.STREAM_CLOSED.fields().add("secret"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> EventCatalogue.FIELD_MEANINGS.put("secret", "no"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void eachEventRowListsItsFields() {
        assertThat(EventCatalogue.markdown())
                .contains("| 1102 | `appliance.clone-suspected` | alert (1) | appliance links |")
                .contains("already connected | `existingLink`, `reason` |")
                .contains("| 1300 | `secureconnect.enabled` | notice (5) | appliance admin | the appliance admin turned"
                        + " SecureConnect on | — |")
                .contains("| `kind` | the session's kind: connect, exec, get or put |");
    }

    @Test
    void docsEventsMdIsTheRenderingOfTheCatalogue() throws Exception {
        Path doc = Path.of("").toAbsolutePath().getParent().resolve("docs/events.md");
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("docs/events.md is stale: regenerate it with 'java -cp event-catalogue/target/classes "
                        + "dev.secureconnect.events.EventCatalogue > docs/events.md'")
                .isEqualTo(EventCatalogue.markdown());
    }
}

package dev.secureconnect.tunnel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {

    @Test
    void idsAndNamesAreUniqueAndEveryEventIsDescribedAndCategorised() {
        EventType[] all = EventType.values();
        assertThat(Arrays.stream(all).map(EventType::id).distinct()).hasSize(all.length);
        assertThat(Arrays.stream(all).map(EventType::eventName).distinct()).hasSize(all.length);
        assertThat(all).allSatisfy(type -> {
            assertThat(type.category()).as(type + " category").isNotBlank();
            assertThat(type.description()).as(type + " description").isNotBlank().doesNotContain("|", "\n");
            assertThat(EventType.byId(type.id())).isSameAs(type);
        });
    }

    @Test
    void docsEventsMdIsTheRenderingOfTheCatalogue() throws Exception {
        Path doc = Path.of("").toAbsolutePath().getParent().resolve("docs/events.md");
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("docs/events.md is stale: regenerate it with 'java -cp tunnel-protocol/target/classes "
                        + "dev.secureconnect.tunnel.audit.EventCatalogue > docs/events.md'")
                .isEqualTo(EventCatalogue.markdown());
    }
}

package dev.secureconnect.crypto.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappersTest {

    record Point(int x) {}

    @Test
    void anUnknownKeyIsAnErrorUnlessLenient() throws Exception {
        String text = "{\"x\":1,\"y\":2}";
        assertThatThrownBy(() -> Mappers.json().readValue(text, Point.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
        assertThatThrownBy(() -> Mappers.strictJson().readValue(text, Point.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
        assertThat(Mappers.lenientJson().readValue(text, Point.class)).isEqualTo(new Point(1));
        assertThat(Mappers.indentedLenientJson().readValue(text, Point.class)).isEqualTo(new Point(1));
    }

    @Test
    void strictRefusesWhatJacksonCoercesByDefault() throws Exception {
        assertThat(Mappers.json().readValue("{\"x\":\"1\"}", Point.class)).isEqualTo(new Point(1));
        assertThatThrownBy(() -> Mappers.strictJson().readValue("{\"x\":\"1\"}", Point.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Mappers.strictJson().readValue("{\"x\":1} {}", Point.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Mappers.strictJson().readValue("{\"x\":1,\"x\":2}", Point.class))
                .hasMessageContaining("Duplicate field 'x'");
    }

    @Test
    void outputLayouts() throws Exception {
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("a", 2);
        assertThat(Mappers.json().writeValueAsString(map)).isEqualTo("{\"b\":1,\"a\":2}");
        assertThat(Mappers.sortedJson().writeValueAsString(map)).isEqualTo("{\"a\":2,\"b\":1}");
        assertThat(Mappers.indentedJson().writeValueAsString(map))
                .contains("\n")
                .contains("\"b\" : 1");
        assertThat(Mappers.indentedStrictJson().writeValueAsString(map)).contains("\n");
    }

    @Test
    void eachCallMakesItsOwnMapper() {
        assertThat(Mappers.json()).isNotSameAs(Mappers.json());
    }
}

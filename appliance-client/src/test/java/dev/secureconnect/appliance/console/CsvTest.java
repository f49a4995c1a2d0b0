package dev.secureconnect.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void cellsAreQuotedAndFormulasDefused() {
        assertThat(Csv.cell(new StringBuilder(), "a \"b\", c").toString()).isEqualTo("\"a \"\"b\"\", c\"");
        assertThat(Csv.cell(new StringBuilder(), "=HYPERLINK(\"x\")").toString())
                .isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(Csv.cell(new StringBuilder(), "+1").toString()).isEqualTo("\"'+1\"");
        assertThat(Csv.cell(new StringBuilder(), "@sum").toString()).isEqualTo("\"'@sum\"");
        assertThat(Csv.cell(new StringBuilder(), null).toString()).isEmpty();
    }
}

package io.kefu.common.event;

import java.nio.file.Path;
import java.util.List;

import io.kefu.common.it.CommonItApplication.DemoHappened;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sample-based contract check itself: it passes on a match and fails on drift. */
class EventContractsTest {

    private static final Path SAMPLES = Path.of("src/test/resources/contracts/events");

    @EventType("demo.happened.v1")
    record Renamed(String subject, int total, List<String> tags, DemoHappened.Detail detail) {
    }

    @EventType("demo.happened.v1")
    record Retyped(String subject, String count, List<String> tags, DemoHappened.Detail detail) {
    }

    record MinimalConsumerView(String subject, int count) {
    }

    @Test
    void anEventWithTheSampleFieldsMatches() {
        EventContracts.assertMatchesSample(new DemoHappened("s", 1, List.of("x"), new DemoHappened.Detail("d")), "demo.happened.v1", SAMPLES);
    }

    @Test
    void aRenamedOrRetypedFieldFailsTheProducerTest() {
        assertThatThrownBy(() -> EventContracts.assertMatchesSample(new Renamed("s", 1, List.of("x"), new DemoHappened.Detail("d")),
                "demo.happened.v1", SAMPLES)).isInstanceOf(AssertionError.class).hasMessageContaining("count");
        assertThatThrownBy(() -> EventContracts.assertMatchesSample(new Retyped("s", "1", List.of("x"), new DemoHappened.Detail("d")),
                "demo.happened.v1", SAMPLES)).isInstanceOf(AssertionError.class).hasMessageContaining("count:");
    }

    @Test
    void aConsumerReadsOnlyWhatItNeedsFromTheSample() {
        assertThat(EventContracts.readSampleData(SAMPLES, "demo.happened.v1", MinimalConsumerView.class))
                .isEqualTo(new MinimalConsumerView("s-1", 3));
    }
}

package io.litellm.orchestrator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LiteLLM's duration syntax, plain JUnit. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({ "30s,PT30S", "30m,PT30M", "12h,PT12H", "7d,PT168H", "2w,PT336H", "1mo,PT720H" })
    void fixedLengths(String value, String expected) {
        assertEquals(Duration.parse(expected), Durations.parse(value));
        assertTrue(value.matches(Durations.PATTERN));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] { "", "7", "d", "7 d", "7D", "1y", "-1d", "1.5h" }) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertFalse(bad.matches(Durations.PATTERN), bad);
        }
        // the pattern admits no leading zero and at most six digits
        assertFalse("07d".matches(Durations.PATTERN));
        assertFalse("1234567s".matches(Durations.PATTERN));
    }

    @Test
    void monthsAreCalendarMonthsAsLiteLlmCountsThem() {
        Instant jan31 = Instant.parse("2027-01-31T12:00:00Z");
        assertEquals(Instant.parse("2027-02-28T12:00:00Z"), Durations.expiresAt("1mo", jan31));
        assertEquals(Instant.parse("2027-02-07T12:00:00Z"), Durations.expiresAt("1w", jan31));
        assertThrows(IllegalArgumentException.class, () -> Durations.expiresAt("1y", jan31));
    }
}

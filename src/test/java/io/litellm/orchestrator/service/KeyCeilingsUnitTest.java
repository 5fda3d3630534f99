package io.litellm.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.Ceilings;
import io.litellm.orchestrator.client.Durations;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.security.Caller;

/**
 * The rules of {@link KeyCeilings} without a server: the most generous value per field, the {@code default} entry
 * as the fallback per field, none for admins, and durations counted as LiteLLM counts a key's {@code expires}
 * ({@code duration_in_seconds}: calendar months, the day cut to the month's end).
 */
class KeyCeilingsUnitTest {

    private static final Instant JAN_31 = Instant.parse("2027-01-31T12:00:00Z");

    private static KeyCeilings ceilings(Map<String, Ceilings> byRole, Instant now) {
        return new KeyCeilings(byRole, () -> now);
    }

    private static Caller user(String... roles) {
        return new Caller("ivy", false, Set.of(roles));
    }

    @Test
    void perFieldTheMostGenerousRoleWinsAndTheDefaultFillsWhatNoRoleSets() {
        KeyCeilings ceilings = ceilings(Map.of(
                "default", new Ceilings("30d", "7d", 5.0, 100L, 10L, List.of("small")),
                "a", new Ceilings("90d", null, 20.0, null, null, List.of("gpt-4o")),
                "b", new Ceilings("1mo", null, 50.0, 500L, null, List.of("o1", "gpt-4o"))), JAN_31);

        Ceilings both = ceilings.of(user("a", "b"));
        assertEquals(new Ceilings("90d", "7d", 50.0, 500L, 10L, List.of("gpt-4o", "o1")), both);
        // a caller with no configured role gets the default entry
        assertEquals(new Ceilings("30d", "7d", 5.0, 100L, 10L, List.of("small")), ceilings.of(user("other")));
        // a role named "default" in a token is not a second way in
        assertEquals(ceilings.of(user("other")), ceilings.of(user("default")));
        assertEquals(Ceilings.NONE, ceilings.of(new Caller("root", true, Set.of("a", "default"))));
    }

    @Test
    void withoutAnyCeilingConfiguredNobodyIsCapped() {
        assertEquals(Ceilings.NONE, ceilings(Map.of(), JAN_31).of(user("a")));
        assertEquals(Ceilings.NONE, ceilings(Map.of("a", new Ceilings("1d", null, null, null, null, null)), JAN_31)
                .of(user("b")));
    }

    @Test
    void theLongestLifetimeIsChosenByTheExpiryItGivesNow() {
        // on 31 January a month is 28 days: 29d is the longer ceiling then
        KeyCeilings ceilings = ceilings(Map.of("a", new Ceilings("1mo", null, null, null, null, null),
                "b", new Ceilings("29d", null, null, null, null, null)), JAN_31);
        assertEquals("29d", ceilings.of(user("a", "b")).maxDuration());
    }

    @ParameterizedTest(name = "{0}: max {1} allows {2}, refuses {3}")
    @CsvSource({
            // 31 Jan 2027 + 1mo = 28 Feb 2027: 28 days, not 30
            "2027-01-31T12:00:00Z, 1mo, 28d, 29d",
            // a leap year: 29 Feb 2028
            "2028-01-31T12:00:00Z, 1mo, 29d, 30d",
            // 15 March + 1mo = 15 April: 31 days
            "2027-03-15T08:30:00Z, 1mo, 31d, 32d",
            // 31 Dec + 2mo = 28 Feb of the next year (59 days)
            "2026-12-31T00:00:00Z, 2mo, 59d, 60d",
            "2027-06-01T00:00:00Z, 30d, 720h, 721h",
            "2027-06-01T00:00:00Z, 2w, 14d, 20161m" })
    void durationsAreCountedAsLiteLlmCountsExpiry(String now, String max, String atLimit, String over) {
        KeyCeilings ceilings = ceilings(Map.of("a", new Ceilings(max, null, null, null, null, null)),
                Instant.parse(now));
        Ceilings mine = ceilings.of(user("a"));

        ceilings.checkDuration(mine, atLimit);
        ApiException refused = assertThrows(ApiException.class, () -> ceilings.checkDuration(mine, over));
        assertEquals(ErrorKind.NOT_ALLOWED, refused.kind());
        assertTrue(refused.getMessage().startsWith("duration: " + over), refused.getMessage());
        assertTrue(refused.getMessage().contains("ceiling of " + max), refused.getMessage());
    }

    @Test
    void aMonthFromTheLastDayOfJanuaryEndsOnTheLastDayOfFebruary() {
        assertEquals(Instant.parse("2027-02-28T12:00:00Z"), Durations.expiresAt("1mo", JAN_31));
        assertEquals(Instant.parse("2028-02-29T12:00:00Z"), Durations.expiresAt("13mo", JAN_31));
        assertEquals(Instant.parse("2027-02-07T12:00:00Z"), Durations.expiresAt("1w", JAN_31));
    }

    @Test
    void theDefaultLifetimeFallsBackToTheMaximumAndNeverExceedsIt() {
        KeyCeilings ceilings = ceilings(Map.of(
                "max-only", new Ceilings("30d", null, null, null, null, null),
                "too-long", new Ceilings("1mo", "60d", null, null, null, null),
                "default-only", new Ceilings(null, "7d", null, null, null, null)), JAN_31);
        assertEquals("30d", ceilings.defaultDuration(ceilings.of(user("max-only"))));
        assertEquals("1mo", ceilings.defaultDuration(ceilings.of(user("too-long"))));
        assertEquals("7d", ceilings.defaultDuration(ceilings.of(user("default-only"))));
        assertNull(ceilings.defaultDuration(Ceilings.NONE));
    }

    @Test
    void aCeilingLiteLlmCouldNotParseStopsTheStart() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ceilings(Map.of("a", new Ceilings("30 days", null, null, null, null, null)), JAN_31));
        assertTrue(refused.getMessage().contains("orchestrator.ceilings.\"a\".max-duration"), refused.getMessage());
    }

    @Test
    void aRotationWithADurationGivesTheCopyThatLifetimeNotTheOldKeysRemainder() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode old = json.createObjectNode().put("token", "t").put("user_id", "ivy")
                .put("expires", Instant.now().plusSeconds(3600).toString());
        ObjectNode asked = json.createObjectNode().put("duration", "14d");

        assertEquals("14d", CopyRotation.copyOf("ivy", old, asked, null).path("duration").asText());
        // without one, the copy keeps the old key's remaining life
        assertTrue(CopyRotation.copyOf("ivy", old, json.createObjectNode(), null).path("duration").asText()
                .matches("3[56][0-9]{2}s"));
    }
}

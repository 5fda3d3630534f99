package io.litellm.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.events.Findings.Finding;

/** The scan rules without LiteLLM: thresholds, the tightest one only, marks and what changes them. */
class FindingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final List<Duration> LEADS = List.of(Duration.ofDays(7), Duration.ofDays(1));
    private static final List<Double> THRESHOLDS = List.of(0.8, 1.0);

    private static ObjectNode row(String expires, Double spend, Double maxBudget) {
        ObjectNode row = JSON.createObjectNode().put("token", "a".repeat(64)).put("key_alias", "ci-bot")
                .put("user_id", "alice");
        if (expires != null) {
            row.put("expires", expires);
        }
        if (spend != null) {
            row.put("spend", spend);
        }
        if (maxBudget != null) {
            row.put("max_budget", maxBudget);
        }
        row.putObject("metadata").put("orchestrator_key_ref", "kr_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        return row;
    }

    private static List<Finding> of(ObjectNode row) {
        return Findings.ofKey(ScannedKey.of(row), Owner.user("alice"), NOW, LEADS, THRESHOLDS);
    }

    @Test
    void aKeyWithinOneDaySendsOnlyTheOneDayReminderAndMarksBoth() {
        List<Finding> found = of(row("2026-12-08T00:00:00Z", null, null));

        assertThat(found).singleElement().satisfies(finding -> {
            assertThat(finding.mark()).isEqualTo("expiry-1d");
            assertThat(finding.covers()).containsExactlyInAnyOrder("expiry-1d", "expiry-7d");
            assertThat(finding.event().kind()).isEqualTo(EventKind.KEY_EXPIRING);
            assertThat(finding.event().severity()).isEqualTo("critical");
            assertThat(finding.event().keyRef()).isEqualTo("kr_aaaaaaaaaaaaaaaaaaaaaaaaaa");
            assertThat(finding.event().keyAlias()).isEqualTo("ci-bot");
        });
    }

    @Test
    void aMarkedFindingIsNotFoundAgainUntilItsValueChanges() {
        ObjectNode row = row("2026-12-10T00:00:00Z", null, null);
        Finding sevenDays = of(row).get(0);
        assertThat(sevenDays.mark()).isEqualTo("expiry-7d");
        sevenDays.markInto((ObjectNode) row.get("metadata"), "claim-1");

        assertThat(of(row)).isEmpty();
        // the other metadata stays
        assertThat(row.path("metadata").path("orchestrator_key_ref").asText()).startsWith("kr_");
        // a day before expiry the next lead time fires
        assertThat(Findings.ofKey(ScannedKey.of(row), Owner.user("alice"), Instant.parse("2026-12-09T06:00:00Z"), LEADS,
                THRESHOLDS)).singleElement().extracting(Finding::mark).isEqualTo("expiry-1d");
        // the key's expiry moved: a new reminder, with a new id
        row.put("expires", "2026-12-11T00:00:00Z");
        assertThat(of(row)).singleElement().satisfies(finding -> {
            assertThat(finding.mark()).isEqualTo("expiry-7d");
            assertThat(finding.event().id()).isNotEqualTo(sevenDays.event().id());
        });
    }

    @Test
    void aDroppedFindingsMarksAreTakenBackOnlyWhereTheyAreItsOwn() {
        ObjectNode row = row("2026-12-08T00:00:00Z", null, null);
        ObjectNode metadata = (ObjectNode) row.get("metadata");
        Finding finding = of(row).get(0);
        finding.markInto(metadata, "mine");
        assertThat(finding.unmarkFrom(metadata, "theirs")).isFalse();
        assertThat(of(row)).isEmpty();
        assertThat(finding.unmarkFrom(metadata, "mine")).isTrue();
        assertThat(of(row)).hasSize(1);
        assertThat(metadata.path("orchestrator_key_ref").asText()).startsWith("kr_");
    }

    @Test
    void budgetThresholdsFireOncePerBudget() {
        assertThat(of(row(null, 7.0, 10.0))).isEmpty();
        ObjectNode row = row(null, 8.5, 10.0);
        Finding eighty = of(row).get(0);
        assertThat(eighty.mark()).isEqualTo("budget-80");
        assertThat(eighty.event().severity()).isEqualTo("high");
        eighty.markInto((ObjectNode) row.get("metadata"), "c");
        assertThat(of(row)).isEmpty();
        row.put("spend", 10.0);
        assertThat(of(row)).singleElement().satisfies(finding -> {
            assertThat(finding.mark()).isEqualTo("budget-100");
            assertThat(finding.event().severity()).isEqualTo("critical");
        });
    }

    @Test
    void idsAreTheSameOnEveryReplica() {
        ObjectNode row = row("2026-12-08T00:00:00Z", 9.0, 10.0);
        List<String> first = of(row).stream().map(f -> f.event().id()).toList();
        List<String> second = of(row.deepCopy()).stream().map(f -> f.event().id()).toList();
        assertThat(first).hasSize(2).isEqualTo(second);
    }

    @Test
    void rotationBookkeepingAndExpiredKeysAreNoFindings() {
        ObjectNode grace = row("2026-12-08T00:00:00Z", null, null);
        ((ObjectNode) grace.get("metadata")).put("rotated_to", "b".repeat(64));
        assertThat(of(grace)).isEmpty();
        assertThat(of(row("2026-12-01T00:00:00Z", null, null))).isEmpty();
    }

    @Test
    void aUserIsAnEntityRefAndAGroupStaysItself() {
        assertThat(Owner.user("alice").entityRef("user:default/")).isEqualTo("user:default/alice");
        assertThat(Owner.user("user:default/jane.doe").entityRef("user:default/")).isEqualTo("user:default/jane.doe");
        assertThat(Owner.group("group:default/platform").entityRef("user:default/"))
                .isEqualTo("group:default/platform");
        assertThat(Owner.none().entityRef("user:default/")).isNull();
    }
}

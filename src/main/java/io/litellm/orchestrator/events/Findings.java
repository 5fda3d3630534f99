package io.litellm.orchestrator.events;

import io.litellm.orchestrator.client.UserRow;
import io.litellm.orchestrator.service.KeyRefs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The rules of the scans, without I/O: which thresholds a key or user has crossed, and whether that was already sent.
 * <p>
 * A finding is sent once per threshold and per value it is about: the "sent" mark lives in the key's (or user's)
 * metadata in LiteLLM, {@code orchestrator_notified: {"expiry-7d": "<expires>#<claim>", "budget-80":
 * "<max_budget>@<budget_reset_at>#<claim>"}}. A key whose expiry is moved, or a budget that is changed or reset, gets
 * new reminders; the same one never twice. Crossing several thresholds at once sends only the tightest and marks the
 * others too (a key found 12 hours before it expires gets the 1-day reminder, not also the 7-day one).
 */
public final class Findings {

    /** The metadata field holding the marks. */
    public static final String MARKS = KeyRefs.NOTIFIED;

    private Findings() {
    }

    /**
     * One finding: the event to send, the mark it sets ({@code mark} and every one in {@code covers}) and the value
     * the mark is about.
     */
    public record Finding(LifecycleEvent event, String mark, String value, List<String> covers) {

        /** Whether {@code metadata}'s marks already hold this finding (sent, or claimed by a replica). */
        public boolean markedIn(JsonNode metadata) {
            String held = metadata.path(MARKS).path(mark).asText(null);
            return held != null && (held.equals(value) || held.startsWith(value + "#"));
        }

        /** Whether {@code metadata} holds exactly this claim. */
        public boolean claimedIn(JsonNode metadata, String claim) {
            return (value + "#" + claim).equals(metadata.path(MARKS).path(mark).asText(null));
        }

        /** Removes this finding's marks from {@code metadata} where they still hold {@code claim}; answers whether any. */
        public boolean unmarkFrom(ObjectNode metadata, String claim) {
            if (!(metadata.get(MARKS) instanceof ObjectNode marks)) {
                return false;
            }
            boolean removed = false;
            for (String covered : covers) {
                if ((value + "#" + claim).equals(marks.path(covered).asText(null))) {
                    marks.remove(covered);
                    removed = true;
                }
            }
            return removed;
        }

        /** Writes this finding's marks with {@code claim} into {@code metadata}, keeping every other field. */
        public void markInto(ObjectNode metadata, String claim) {
            JsonNode marks = metadata.get(MARKS);
            ObjectNode target = marks instanceof ObjectNode object ? object : metadata.putObject(MARKS);
            for (String covered : covers) {
                target.put(covered, value + "#" + claim);
            }
        }
    }

    /** The findings of one key not yet marked in its metadata. */
    public static List<Finding> ofKey(ScannedKey row, Owner owner, Instant now, List<Duration> leadTimes,
            List<Double> thresholds) {
        List<Finding> found = new ArrayList<>();
        if (row.inGrace() || row.keyId() == null) {
            return found;
        }
        String subject = row.keyRef() != null ? row.keyRef() : row.keyId();
        if (row.expires() != null && row.expires().isAfter(now)) {
            Duration left = Duration.between(now, row.expires());
            List<Duration> crossed = leadTimes.stream().filter(lead -> left.compareTo(lead) <= 0).sorted().toList();
            if (!crossed.isEmpty()) {
                Duration tightest = crossed.get(0);
                String value = row.expires().toString();
                String mark = "expiry-" + label(tightest);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("expires", value);
                details.put("leadTime", label(tightest));
                String severity = tightest.compareTo(Duration.ofDays(1)) <= 0 ? "critical" : "high";
                LifecycleEvent event = new LifecycleEvent(
                        LifecycleEvent.idOf(EventKind.KEY_EXPIRING.type, subject, mark, value), EventKind.KEY_EXPIRING,
                        now, owner, row.keyId(), row.keyRef(), row.keyAlias(), severity,
                        "The key expires at " + value + " (within " + label(tightest)
                                + "). Rotate it or create a new one before then.",
                        details);
                found.add(new Finding(event, mark, value,
                        crossed.stream().map(lead -> "expiry-" + label(lead)).toList()));
            }
        }
        budget(EventKind.KEY_BUDGET_THRESHOLD, subject, owner, row.keyId(), row.keyRef(), row.keyAlias(), row.spend(),
                row.maxBudget(), row.budgetResetAt(), now, thresholds).ifPresent(found::add);
        found.removeIf(finding -> finding.markedIn(row.metadata()));
        return found;
    }

    /** The budget finding of one user ({@code /user/info}'s row) not yet marked in its metadata, if any. */
    public static List<Finding> ofUser(JsonNode json, Instant now, List<Double> thresholds) {
        UserRow user = UserRow.view(json);
        String userId = user.userId();
        List<Finding> found = new ArrayList<>();
        budget(EventKind.USER_BUDGET_THRESHOLD, userId, Owner.user(userId), null, null, null, user.spend(),
                user.maxBudget(), user.budgetResetAt(), now, thresholds).ifPresent(found::add);
        found.removeIf(finding -> finding.markedIn(user.metadata()));
        return found;
    }

    private static java.util.Optional<Finding> budget(EventKind kind, String subject, Owner owner, String keyId,
            String keyRef, String alias, Double spend, Double maxBudget, String resetAt, Instant now,
            List<Double> thresholds) {
        if (spend == null || maxBudget == null || maxBudget <= 0) {
            return java.util.Optional.empty();
        }
        double share = spend / maxBudget;
        List<Double> crossed = thresholds.stream().filter(t -> share >= t).sorted().toList();
        if (crossed.isEmpty()) {
            return java.util.Optional.empty();
        }
        double highest = crossed.get(crossed.size() - 1);
        String value = maxBudget + "@" + (resetAt == null ? "-" : resetAt);
        String mark = "budget-" + percent(highest);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("threshold", highest);
        details.put("spend", spend);
        details.put("maxBudget", maxBudget);
        if (resetAt != null) {
            details.put("budgetResetAt", resetAt);
        }
        String whose = kind == EventKind.USER_BUDGET_THRESHOLD ? "Your LiteLLM budget" : "The key's budget";
        LifecycleEvent event = new LifecycleEvent(LifecycleEvent.idOf(kind.type, subject, mark, value), kind, now,
                owner, keyId, keyRef, alias, highest >= 1.0 ? "critical" : "high",
                whose + " is " + percent(share) + " % used (" + spend + " of " + maxBudget + " USD)"
                        + (highest >= 1.0 ? ": requests are refused until it is raised or reset." : "."),
                details);
        return java.util.Optional.of(new Finding(event, mark, value,
                crossed.stream().map(t -> "budget-" + percent(t)).toList()));
    }

    /** {@code 7d}, {@code 12h}, {@code 30m}: how lead times name their marks. */
    static String label(Duration lead) {
        if (lead.toDays() > 0 && lead.equals(Duration.ofDays(lead.toDays()))) {
            return lead.toDays() + "d";
        }
        if (lead.toHours() > 0 && lead.equals(Duration.ofHours(lead.toHours()))) {
            return lead.toHours() + "h";
        }
        return lead.toMinutes() + "m";
    }

    private static long percent(double share) {
        return Math.round(share * 100);
    }
}

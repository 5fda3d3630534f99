package io.litellm.orchestrator.service;

import java.time.Instant;



import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.client.Durations;
import io.litellm.orchestrator.client.KeyRow;

/**
 * Which keys are about to break: {@code expiringWithin} (a LiteLLM duration: the key expires before now plus it,
 * already expired keys included) and {@code budgetUsedAbove} (a share: {@code spend / max_budget} above it; a key
 * without a budget never matches, one with a budget of 0 always does, as LiteLLM refuses it once spend reaches the
 * budget). Both given: both must hold. Neither: every key.
 */
public record KeyFilter(String expiringWithin, Double budgetUsedAbove) {

    public static final KeyFilter NONE = new KeyFilter(null, null);
    /** What {@code budgetUsedAbove} accepts: a plain non-negative decimal. */
    public static final String SHARE = "^(0|[1-9][0-9]{0,5})(\\.[0-9]{1,6})?$";
    public static final String SHARE_MESSAGE = "must be a share of the key's budget such as 0.8 (a number >= 0)";

    /** The query parameters as given; 400 naming the parameter for a bad value. */
    public static KeyFilter of(String expiringWithin, String budgetUsedAbove) {
        if (expiringWithin != null && !expiringWithin.matches(Durations.PATTERN)) {
            throw ApiException.input("expiringWithin: " + Durations.MESSAGE);
        }
        if (budgetUsedAbove != null && !budgetUsedAbove.matches(SHARE)) {
            throw ApiException.input("budgetUsedAbove: " + SHARE_MESSAGE);
        }
        return new KeyFilter(expiringWithin, budgetUsedAbove == null ? null : Double.valueOf(budgetUsedAbove));
    }

    public boolean filters() {
        return expiringWithin != null || budgetUsedAbove != null;
    }

    /** Whether the row (its expiry, spend and budget) matches at {@code now}. */
    public boolean matches(KeyRow row, Instant now) {
        if (expiringWithin != null) {
            Instant expires = Expiry.of(row);
            if (expires == null || expires.isAfter(Durations.expiresAt(expiringWithin, now))) {
                return false;
            }
        }
        if (budgetUsedAbove != null) {
            Double budget = row.maxBudget();
            if (budget == null) {
                return false;
            }
            double spend = row.spend();
            double used = budget > 0 ? spend / budget : Double.POSITIVE_INFINITY;
            return used > budgetUsedAbove;
        }
        return true;
    }
}

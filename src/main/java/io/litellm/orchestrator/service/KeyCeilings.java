package io.litellm.orchestrator.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.Ceilings;
import io.litellm.orchestrator.client.Durations;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.security.Caller;
import io.quarkus.runtime.Startup;

/**
 * The self-service ceilings of {@code orchestrator.ceilings.*}: what a non-admin may put on a key (lifetime, budget,
 * rate limits, models) and the lifetime a key gets when none is asked for. Per field, a caller gets the most generous
 * value among their roles that set it, else the {@code default} entry's; admins have none. Durations are compared by
 * the expiry they give now, counted as LiteLLM counts it ({@link Durations#expiresAt}): {@code 1mo} is a calendar
 * month, so on 31 January it is shorter than {@code 30d}.
 */
@ApplicationScoped
@Startup // a ceiling LiteLLM could not parse stops the start, not the first request
public class KeyCeilings {

    /** The entry that applies to every non-admin, field by field, where none of their roles sets the field. */
    static final String DEFAULT = "default";

    private final Map<String, Ceilings> byRole;
    private final Supplier<Instant> clock;

    @Inject
    public KeyCeilings(OrchestratorConfig config) {
        this(snapshot(config.ceilings()), Instant::now);
    }

    KeyCeilings(Map<String, Ceilings> byRole, Supplier<Instant> clock) {
        byRole.forEach(KeyCeilings::validate);
        this.byRole = Map.copyOf(byRole);
        this.clock = clock;
    }

    /** The caller's ceilings: {@link Ceilings#NONE} for an admin or when none is configured. */
    public Ceilings of(Caller caller) {
        if (caller.admin() || byRole.isEmpty()) {
            return Ceilings.NONE;
        }
        List<Ceilings> mine = caller.roles().stream().sorted().filter(role -> !role.equals(DEFAULT))
                .map(byRole::get).filter(Objects::nonNull).toList();
        Ceilings fallback = byRole.getOrDefault(DEFAULT, Ceilings.NONE);
        Instant now = clock.get();
        Comparator<String> shorter = Comparator.comparing(duration -> Durations.expiresAt(duration, now));
        return new Ceilings(
                most(mine, Ceilings::maxDuration, shorter, fallback.maxDuration()),
                most(mine, Ceilings::defaultDuration, shorter, fallback.defaultDuration()),
                most(mine, Ceilings::maxBudget, Comparator.naturalOrder(), fallback.maxBudget()),
                most(mine, Ceilings::maxTpm, Comparator.naturalOrder(), fallback.maxTpm()),
                most(mine, Ceilings::maxRpm, Comparator.naturalOrder(), fallback.maxRpm()),
                allModels(mine, fallback.models()));
    }

    /**
     * The lifetime to give a key created without one: the caller's {@code default-duration}, else their
     * {@code max-duration}, never longer than the latter; null when neither is set (the key never expires).
     */
    public String defaultDuration(Ceilings ceilings) {
        String max = ceilings.maxDuration();
        String wanted = ceilings.defaultDuration() != null ? ceilings.defaultDuration() : max;
        if (wanted != null && max != null && longer(wanted, max)) {
            return max;
        }
        return wanted;
    }

    /** 403 naming the field and the ceiling when {@code duration} gives a later expiry than the ceiling does now. */
    public void checkDuration(Ceilings ceilings, String duration) {
        String max = ceilings.maxDuration();
        if (duration != null && max != null && longer(duration, max)) {
            throw ApiException.notAllowed("duration: " + duration + " is longer than your ceiling of " + max
                    + " (a key of yours may live until " + Durations.expiresAt(max, clock.get()) + " at most)");
        }
    }

    public void checkBudget(Ceilings ceilings, Double maxBudget) {
        if (maxBudget != null && ceilings.maxBudget() != null && maxBudget > ceilings.maxBudget()) {
            throw ApiException.notAllowed("maxBudget: " + maxBudget + " is above your ceiling of "
                    + ceilings.maxBudget());
        }
    }

    public void checkTpm(Ceilings ceilings, Long tpmLimit) {
        if (tpmLimit != null && ceilings.maxTpm() != null && tpmLimit > ceilings.maxTpm()) {
            throw ApiException.notAllowed("tpmLimit: " + tpmLimit + " is above your ceiling of " + ceilings.maxTpm());
        }
    }

    public void checkRpm(Ceilings ceilings, Long rpmLimit) {
        if (rpmLimit != null && ceilings.maxRpm() != null && rpmLimit > ceilings.maxRpm()) {
            throw ApiException.notAllowed("rpmLimit: " + rpmLimit + " is above your ceiling of " + ceilings.maxRpm());
        }
    }

    /**
     * {@code models} must be within the ceiling's list; {@code kept} (models already on the key) may stay. An empty
     * list means every model on a key, so it is refused under a model ceiling.
     */
    public void checkModels(Ceilings ceilings, List<String> models, List<String> kept) {
        List<String> allowed = ceilings.models();
        if (models == null || allowed == null) {
            return;
        }
        if (models.isEmpty()) {
            throw ApiException.notAllowed("models: an empty list means every model; your ceiling allows "
                    + String.join(", ", allowed));
        }
        for (String model : models) {
            if (!allowed.contains(model) && !kept.contains(model)) {
                throw ApiException.notAllowed("models: " + model + " is not within your ceiling of "
                        + String.join(", ", allowed));
            }
        }
    }

    private boolean longer(String duration, String than) {
        Instant now = clock.get();
        return Durations.expiresAt(duration, now).isAfter(Durations.expiresAt(than, now));
    }

    /** The largest value among the roles that set the field, else the fallback's. */
    private static <T> T most(List<Ceilings> mine, Function<Ceilings, T> field, Comparator<? super T> order,
            T fallback) {
        return mine.stream().map(field).filter(Objects::nonNull).max(order).orElse(fallback);
    }

    /** Every model any of the roles allows, in a stable order; else the fallback's. */
    private static List<String> allModels(List<Ceilings> mine, List<String> fallback) {
        Set<String> union = new LinkedHashSet<>();
        boolean set = false;
        for (Ceilings ceilings : mine) {
            if (ceilings.models() != null) {
                set = true;
                union.addAll(ceilings.models());
            }
        }
        return set ? List.copyOf(union) : fallback;
    }

    private static Map<String, Ceilings> snapshot(Map<String, OrchestratorConfig.Ceiling> configured) {
        Map<String, Ceilings> byRole = new TreeMap<>();
        configured.forEach((role, ceiling) -> byRole.put(role, new Ceilings(ceiling.maxDuration().orElse(null),
                ceiling.defaultDuration().orElse(null), ceiling.maxBudget().orElse(null),
                ceiling.maxTpm().orElse(null), ceiling.maxRpm().orElse(null),
                ceiling.models().map(KeyCeilings::cleanModels).orElse(null))));
        return byRole;
    }

    private static List<String> cleanModels(List<String> models) {
        List<String> clean = new ArrayList<>();
        for (String model : models) {
            if (!model.isBlank() && !clean.contains(model.strip())) {
                clean.add(model.strip());
            }
        }
        return List.copyOf(clean);
    }

    private static void validate(String role, Ceilings ceilings) {
        String where = "orchestrator.ceilings.\"" + role + "\".";
        for (Map.Entry<String, String> duration : durations(ceilings).entrySet()) {
            if (duration.getValue() != null && !duration.getValue().matches(Durations.PATTERN)) {
                throw new IllegalStateException(where + duration.getKey() + ": " + Durations.MESSAGE);
            }
        }
        if (Optional.ofNullable(ceilings.maxBudget()).orElse(0.0) < 0
                || Optional.ofNullable(ceilings.maxTpm()).orElse(0L) < 0
                || Optional.ofNullable(ceilings.maxRpm()).orElse(0L) < 0) {
            throw new IllegalStateException(where + "max-budget, max-tpm and max-rpm must be >= 0");
        }
        if (ceilings.models() != null && ceilings.models().isEmpty()) {
            throw new IllegalStateException(where + "models: name at least one model (an empty list would mean every model)");
        }
    }

    private static Map<String, String> durations(Ceilings ceilings) {
        Map<String, String> durations = new TreeMap<>();
        durations.put("max-duration", ceilings.maxDuration());
        durations.put("default-duration", ceilings.defaultDuration());
        return durations;
    }
}

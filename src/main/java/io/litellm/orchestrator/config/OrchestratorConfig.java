package io.litellm.orchestrator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Rules of the orchestrator: who is an admin, and what a new user gets.
 */
@ConfigMapping(prefix = "orchestrator")
public interface OrchestratorConfig {

    /** Role (token claim value) that makes a caller an admin (env {@code ORCHESTRATOR_ADMIN_ROLE}). */
    @WithDefault("admin")
    String adminRole();

    /**
     * Role a caller needs to use the service at all (env {@code ORCHESTRATOR_ALLOWED_ROLE}); admins always may.
     * Unset or empty: any authenticated caller.
     */
    Optional<String> allowedRole();

    /** Create a caller's own LiteLLM user, with the defaults below, the first time they act on it. */
    @WithDefault("true")
    boolean autoCreateUsers();

    /** Defaults applied to users created through this service. */
    UserDefaults userDefaults();

    /**
     * Self-service ceilings on keys, per role ({@code orchestrator.ceilings."<role>".*}); the entry {@code default}
     * applies to every non-admin. Admins have none. A caller with several roles gets, per field, the most generous
     * value among their roles that set it, else the {@code default} entry's (see README, "Key ceilings and expiring
     * keys").
     */
    java.util.Map<String, Ceiling> ceilings();

    /** Where {@code GET /keys} (an admin's scan of every key) stops within one request. */
    KeyScan keyScan();

    interface Ceiling {
        /** Longest lifetime a key may be created or rotated with (a LiteLLM duration: {@code 90d}, {@code 3mo}). */
        Optional<String> maxDuration();

        /** Lifetime of a key created without one; unset: {@code max-duration}, if set. */
        Optional<String> defaultDuration();

        /** Largest {@code maxBudget} (USD) that may be set on a key. */
        Optional<Double> maxBudget();

        /** Largest {@code tpmLimit} that may be set on a key. */
        Optional<Long> maxTpm();

        /** Largest {@code rpmLimit} that may be set on a key. */
        Optional<Long> maxRpm();

        /** Models that may be put on a key; a key created without models gets these. */
        Optional<List<String>> models();
    }

    interface KeyScan {
        /** Pages of LiteLLM's {@code /key/list} one request reads at most before it answers with a cursor. */
        @WithDefault("10")
        int pagesPerRequest();
    }

    /** The memo of user ids LiteLLM confirmed to exist, which spares {@code createUserKey} its {@code /user/info}. */
    KnownUsers knownUsers();

    interface KnownUsers {
        /**
         * How long a confirmed user id is trusted without asking LiteLLM again; {@code 0} turns the memo off. 60 s
         * matches how long LiteLLM itself serves a user row from its auth cache ({@code user_api_key_cache},
         * {@code UserAPIKeyCacheTTLEnum.in_memory_cache_ttl}).
         */
        @WithDefault("60s")
        Duration ttl();

        /** Most user ids kept; past it the oldest entry goes first. */
        @WithDefault("10000")
        int maxSize();
    }

    /** Key regeneration ({@code regenerateUserKey}). */
    Regenerate regenerate();

    /** Workshop provisioning ({@code PUT /workshops/{workshopId}}). */
    Workshops workshops();

    interface Workshops {
        /** Most attendees one workshop may have. */
        @WithDefault("1000")
        int maxAttendees();

        /** Calls to LiteLLM one workshop call keeps in flight at most. */
        @WithDefault("16")
        int maxConcurrency();

        /** Time budget of one workshop call: no attendee is started after it (calls in flight still finish). */
        @WithDefault("120s")
        Duration deadline();

        /** Models of a workshop key when the request names none; unset means every model the user may use. */
        Optional<List<String>> defaultModels();

        /** Budget of a workshop key in USD when the request gives none; unset means no limit. */
        Optional<Double> defaultMaxBudget();

        /** Lifetime of a workshop key when the request gives none (LiteLLM duration). */
        @WithDefault("7d")
        String defaultDuration();

        /** Pages of {@code /key/list} read at most when looking for a workshop's keys (GET, DELETE, prune). */
        @WithDefault("1000")
        int scanMaxPages();
    }

    interface Regenerate {
        /** {@code auto}: rotate by create-and-delete when LiteLLM's regeneration is enterprise-only; {@code never}: answer 501. */
        @WithDefault("auto")
        Fallback fallback();

        /** Regenerations one caller may ask for one key within {@code window}; admins included. */
        @WithDefault("5")
        int maxPerWindow();

        /** The sliding window of {@code max-per-window}, e.g. {@code 10m}. */
        @WithDefault("10m")
        Duration window();

        /**
         * After LiteLLM said regeneration needs an Enterprise licence, rotations go straight to the fallback for this
         * long before LiteLLM's own regeneration is tried again (so a licence added later is used).
         */
        @WithDefault("10m")
        Duration licenceRecheck();

        /** Longest {@code gracePeriod} a caller may ask for: how long an old secret may outlive its rotation. */
        @WithDefault("24h")
        Duration maxGracePeriod();

        /**
         * Lifetime of the claim a rotation takes on a key in LiteLLM (so rotations on other replicas wait); a claim
         * left by a crashed replica stops blocking after this. Must exceed the longest rotation.
         */
        @WithDefault("2m")
        Duration claimTtl();

        /**
         * Pages of {@code /key/list} (100 keys each) read once after start to find rotations a crash interrupted
         * (they are also undone by the next call that meets them); 0 switches the sweep off.
         */
        @WithDefault("20")
        int recoverySweepPages();

        /** How long after start the sweep runs (LiteLLM and this service settle first). */
        @WithDefault("10s")
        Duration recoverySweepDelay();

        enum Fallback {
            AUTO,
            NEVER
        }
    }

    interface UserDefaults {
        /** Budget given to a new user, in USD; unset means no budget limit. */
        Optional<Double> maxBudget();

        /** Budget reset period of a new user (LiteLLM duration such as {@code 30d}); unset means never. */
        Optional<String> budgetDuration();
    }
    /** Create a group's LiteLLM team, with {@code team-defaults}, the first time one of its members uses it. */
    @WithDefault("true")
    boolean autoCreateTeams();

    /**
     * Regular expression a caller's role must match to count as a group they may manage (and to be listed by
     * {@code GET /me}); unset means every role. Example: {@code group:.*}.
     */
    Optional<String> groupRolePattern();

    /** Defaults applied to teams created for groups through this service. */
    TeamDefaults teamDefaults();

    interface TeamDefaults {
        /** Budget given to a new team, in USD; unset means no budget limit. */
        Optional<Double> maxBudget();

        /** Budget reset period of a new team (LiteLLM duration such as {@code 30d}); unset means never. */
        Optional<String> budgetDuration();

        /** Models a new team may use; unset means every model. */
        Optional<java.util.List<String>> models();
    }
}

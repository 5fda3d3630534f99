package io.litellm.orchestrator.config;

import java.time.Duration;
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

    /** Key regeneration ({@code regenerateUserKey}). */
    Regenerate regenerate();

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

package io.litellm.orchestrator.config;

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

    /** Defaults applied to users created through this service. */
    UserDefaults userDefaults();

    interface UserDefaults {
        /** Budget given to a new user, in USD; unset means no budget limit. */
        Optional<Double> maxBudget();

        /** Budget reset period of a new user (LiteLLM duration such as {@code 30d}); unset means never. */
        Optional<String> budgetDuration();
    }
}

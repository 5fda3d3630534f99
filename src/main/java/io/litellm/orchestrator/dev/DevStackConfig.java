package io.litellm.orchestrator.dev;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Knobs of the dev stack (embedded LiteLLM simulator and dev identity). Read only in dev and test builds; the beans
 * that use them do not exist in the prod build.
 */
@ConfigMapping(prefix = "dev-stack")
public interface DevStackConfig {

    /**
     * Whether the simulated LiteLLM has an enterprise licence; {@code false} makes {@code /key/{key}/regenerate}
     * answer 500 "Regenerating Virtual Keys is an Enterprise feature", as open-source LiteLLM does.
     */
    @WithDefault("true")
    boolean litellmEnterprise();

    /**
     * Which LiteLLM release line the simulator answers like where they differ: {@code current} (unknown user on
     * {@code /user/info} is 404) or {@code v1-80} (200 with a placeholder row).
     */
    @WithDefault("current")
    LiteLlmSimulator.Line litellmLine();

    /** How long the demo users' dev tokens stay valid. */
    @WithDefault("PT12H")
    Duration tokenLifetime();
}

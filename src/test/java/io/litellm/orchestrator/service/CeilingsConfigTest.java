package io.litellm.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.config.OrchestratorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * How ceilings are configured (README, "Key ceilings and expiring keys"): the {@code default} entry from environment
 * variables, a role with {@code :} and {@code /} (a Backstage group ref) from a quoted properties key.
 */
class CeilingsConfigTest {

    @Test
    void theDefaultComesFromTheEnvironmentAndAGroupRefFromAQuotedKey() {
        OrchestratorConfig config = new SmallRyeConfigBuilder().withMapping(OrchestratorConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(Map.of("ORCHESTRATOR_CEILINGS_DEFAULT_MAX_DURATION", "90d"), 300))
                .withSources(new PropertiesConfigSource(Map.of(
                        "orchestrator.ceilings.\"group:default/ml-team\".max-budget", "200",
                        "orchestrator.ceilings.\"group:default/ml-team\".models", "gpt-4o,gpt-4o-mini"), "test", 100))
                .build().getConfigMapping(OrchestratorConfig.class);

        assertEquals(Set.of("default", "group:default/ml-team"), config.ceilings().keySet());
        assertEquals(Optional.of("90d"), config.ceilings().get("default").maxDuration());
        assertEquals(Optional.of(200.0), config.ceilings().get("group:default/ml-team").maxBudget());
        assertEquals(Optional.of(List.of("gpt-4o", "gpt-4o-mini")), config.ceilings().get("group:default/ml-team").models());
        assertEquals(10, config.keyScan().pagesPerRequest());
    }
}

package io.litellm.orchestrator.support;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link LiteLlmAndIdpResource} for {@code @QuarkusIntegrationTest}s: the packaged app runs the prod profile, which
 * needs a master key (the test profile's is not applied to it).
 */
public class PackagedAppResource extends LiteLlmAndIdpResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("litellm.master-key", LiteLlmStubs.MASTER_KEY);
        return config;
    }
}

package io.litellm.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where LiteLLM is and how we authenticate to it. The master key never leaves this service.
 */
@ConfigMapping(prefix = "litellm")
public interface LiteLlmConfig {

    /** Base URL of the LiteLLM proxy (env {@code LITELLM_BASE_URL}), e.g. {@code http://litellm:4000}. */
    String baseUrl();

    /** LiteLLM master key (env {@code LITELLM_MASTER_KEY}); required, sent only as the upstream bearer token. */
    String masterKey();

    /** Page size used when reading {@code /key/list}. */
    @WithDefault("100")
    int listPageSize();

    /** Upper bound on pages read from {@code /key/list}, so a misbehaving upstream cannot loop us forever. */
    @WithDefault("50")
    int listMaxPages();
}

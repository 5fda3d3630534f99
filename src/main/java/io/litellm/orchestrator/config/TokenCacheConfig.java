package io.litellm.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The verified-token cache: a token seen and fully verified before is not verified again until it expires.
 */
@ConfigMapping(prefix = "orchestrator.token-cache")
public interface TokenCacheConfig {

    /** Serve repeated bearer tokens from the cache (env {@code ORCHESTRATOR_TOKEN_CACHE_ENABLED}); false verifies every request. */
    @WithDefault("true")
    boolean enabled();

    /** Most tokens kept; past it, the entry least likely to be used again goes (env {@code ORCHESTRATOR_TOKEN_CACHE_MAX_SIZE}). */
    @WithDefault("10000")
    int maxSize();

    /** Longest an entry lives, whatever the token's exp (env {@code ORCHESTRATOR_TOKEN_CACHE_TIME_TO_LIVE}). */
    @WithDefault("5m")
    Duration timeToLive();
}

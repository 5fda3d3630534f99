package io.litellm.orchestrator.support;

import java.time.Duration;

import io.litellm.orchestrator.config.TokenCacheConfig;

/** Configuration mappings built by hand, for the tests that make a bean without Quarkus. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** An enabled token cache of {@code maxSize} entries kept at most {@code ttl}. */
    public static TokenCacheConfig tokenCache(int maxSize, Duration ttl) {
        return new TokenCacheConfig() {
            public boolean enabled() {
                return true;
            }

            public int maxSize() {
                return maxSize;
            }

            public Duration timeToLive() {
                return ttl;
            }
        };
    }
}

package io.litellm.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Permission;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.config.TokenCacheConfig;
import io.litellm.orchestrator.support.TestConfigs;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The cache's own rules, on a clock the test moves: bound, TTL, exp and nbf. */
class VerifiedTokenCacheTest {

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };

    private VerifiedTokenCache cache(int maxSize, Duration ttl) {
        TokenCacheConfig config = TestConfigs.tokenCache(maxSize, ttl);
        return new VerifiedTokenCache(config, new OrchestratorMetrics(new SimpleMeterRegistry()), clock);
    }

    private long nowSeconds() {
        return millis.get() / 1000;
    }

    @Test
    void boundedLeastRecentlyUsedGoesFirst() {
        VerifiedTokenCache cache = cache(2, Duration.ofMinutes(5));
        cache.store("a", identity("a", nowSeconds() + 600, 0));
        cache.store("b", identity("b", nowSeconds() + 600, 0));
        assertThat(cache.lookup("a")).isNotNull(); // a is now the most recently used
        cache.store("c", identity("c", nowSeconds() + 600, 0));
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.lookup("b")).isNull();
        assertThat(cache.lookup("a").getPrincipal().getName()).isEqualTo("a");
        assertThat(cache.lookup("c").getPrincipal().getName()).isEqualTo("c");
    }

    @Test
    void entryEndsAtExpOrTtlWhicheverIsFirst() {
        VerifiedTokenCache cache = cache(10, Duration.ofSeconds(30));
        cache.store("short", identity("short", nowSeconds() + 10, 0));
        cache.store("long", identity("long", nowSeconds() + 3600, 0));
        millis.addAndGet(9_999);
        assertThat(cache.lookup("short")).isNotNull();
        millis.addAndGet(1_001);
        assertThat(cache.lookup("short")).isNull();
        assertThat(cache.lookup("long")).isNotNull();
        millis.addAndGet(20_000);
        assertThat(cache.lookup("long")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void notBeforeIsHonouredOnEveryHitAndTokensWithoutExpAreNotKept() {
        VerifiedTokenCache cache = cache(10, Duration.ofMinutes(5));
        cache.store("future", identity("future", nowSeconds() + 600, nowSeconds() + 60));
        assertThat(cache.lookup("future")).isNull();
        cache.store("noexp", identity("noexp", 0, 0));
        assertThat(cache.lookup("noexp")).isNull();
    }

    @Test
    void keyIsTheWholeToken() {
        VerifiedTokenCache cache = cache(10, Duration.ofMinutes(5));
        cache.store("header.payload.signature", identity("x", nowSeconds() + 600, 0));
        assertThat(cache.lookup("header.payload.signaturE")).isNull();
        assertThat(cache.lookup("header.payload.signature")).isNotNull();
    }

    @Test
    void hitRateIsMeasuredBesideTheLookupCounts() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TokenCacheConfig config = TestConfigs.tokenCache(10, Duration.ofMinutes(5));
        VerifiedTokenCache cache = new VerifiedTokenCache(config, new OrchestratorMetrics(registry), clock);
        cache.store("a", identity("a", nowSeconds() + 600, 0));
        cache.lookup("a");
        cache.lookup("a");
        cache.lookup("b");
        assertThat(registry.get("cache.gets").tag("cache", "verified-tokens").tag("result", "hit").functionCounter()
                .count()).isEqualTo(2);
        assertThat(registry.get("cache.gets").tag("cache", "verified-tokens").tag("result", "miss").functionCounter()
                .count()).isEqualTo(1);
        assertThat(registry.get("orchestrator.token.cache").tag("result", "hit").counter().count()).isEqualTo(2);
        assertThat(registry.get("cache.size").tag("cache", "verified-tokens").gauge().value()).isEqualTo(1);
    }

    private static SecurityIdentity identity(String name, long exp, long nbf) {
        JsonWebToken jwt = new JsonWebToken() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("exp", "nbf");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claim) {
                return (T) switch (claim) {
                    case "exp" -> (Object) Long.valueOf(exp);
                    case "nbf" -> nbf == 0 ? null : (Object) Long.valueOf(nbf);
                    default -> null;
                };
            }
        };
        return new SecurityIdentity() {
            public Principal getPrincipal() {
                return jwt;
            }

            public boolean isAnonymous() {
                return false;
            }

            public Set<String> getRoles() {
                return Set.of("user");
            }

            public boolean hasRole(String role) {
                return "user".equals(role);
            }

            public <T extends Credential> T getCredential(Class<T> type) {
                return null;
            }

            public Set<Credential> getCredentials() {
                return Set.of();
            }

            public <T> T getAttribute(String attribute) {
                return null;
            }

            public Map<String, Object> getAttributes() {
                return Map.of();
            }

            public Set<Permission> getPermissions() {
                return Set.of();
            }

            public Uni<Boolean> checkPermission(Permission permission) {
                return Uni.createFrom().item(false);
            }
        };
    }
}

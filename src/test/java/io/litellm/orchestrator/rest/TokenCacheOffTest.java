package io.litellm.orchestrator.rest;

import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.security.VerifiedTokenCache;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code orchestrator.token-cache.enabled=false}: every request is verified in full, and security is unchanged. */
@QuarkusTest
@TestProfile(TokenCacheOffTest.CacheOff.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class TokenCacheOffTest extends ApiTest {

    public static class CacheOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("orchestrator.token-cache.enabled", "false");
        }
    }

    @Inject
    VerifiedTokenCache cache;

    @Inject
    MeterRegistry registry;

    @Test
    void everyRequestIsVerifiedAndNothingIsKept() {
        userExists("bob");
        String admin = TestTokens.admin("root");
        for (int i = 0; i < 3; i++) {
            as(admin).get(BASE + "/users/bob").then().statusCode(200);
        }
        as(TestTokens.user("alice")).get(BASE + "/users/bob").then().statusCode(403);
        as(TestTokens.forged("root")).get(BASE + "/users/bob").then().statusCode(401);
        as(TestTokens.expired("root")).get(BASE + "/users/bob").then().statusCode(401);
        assertThat(cache.size()).isZero();
        assertThat(registry.find("orchestrator.token.cache").counters()).isEmpty();
    }
}

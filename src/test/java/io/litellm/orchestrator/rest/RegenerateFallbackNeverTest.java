package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With {@code orchestrator.regenerate.fallback=never}, open-source LiteLLM's refusal is a clear 501. */
@QuarkusTest
@TestProfile(RegenerateFallbackNeverTest.NoFallback.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RegenerateFallbackNeverTest {

    public static class NoFallback implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("orchestrator.regenerate.fallback", "never");
        }
    }

    @BeforeEach
    void reset() {
        litellm().resetAll();
    }

    @Test
    void enterpriseOnlyAnswerIsNotImplemented() {
        String oldKey = hash("never-old");
        keyInfo(row(oldKey, "bob", "{}"));
        KeyRegenerationTest.enterpriseOnly(oldKey);

        KeyRegenerationTest.regenerate(TestTokens.user("bob"), "bob", oldKey, null)
                .statusCode(501)
                .body("error.name", equalTo("NotImplementedError"))
                .body("error.message", containsString("orchestrator.regenerate.fallback"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/generate")));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/update")));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/delete")));
    }
}

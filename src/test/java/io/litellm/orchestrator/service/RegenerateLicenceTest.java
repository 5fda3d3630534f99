package io.litellm.orchestrator.service;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.litellm.orchestrator.support.KeyFixtures.error;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.config.OrchestratorConfig.Regenerate.Fallback;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/**
 * Open-source LiteLLM's "Enterprise feature" answer to regenerate: not an upstream failure (the circuit breaker never
 * counts it), and remembered, so that rotations go straight to the fallback until {@code licence-recheck} has passed.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RegenerateLicenceTest extends ApiTest {

    private static final String ENTERPRISE_ONLY = "Regenerating Virtual Keys is an Enterprise feature, You must be a "
            + "LiteLLM Enterprise user to use this feature. If you have a license please set `LITELLM_LICENSE` in your env.";

    @Inject
    LiteLlmClient client;
    @Inject
    KeyService keys;
    @Inject
    RotationClaims claims;
    @Inject
    RotationRecovery recovery;
    @Inject
    OrchestratorConfig config;
    @Inject
    OrchestratorMetrics metrics;

    /** Open-source LiteLLM: regenerate refused, every fallback step answered. */
    private static void openSourceLiteLlm(String newKey) {
        litellm().stubFor(post(urlPathMatching("/key/[0-9a-f]{64}/regenerate")).willReturn(error(500, ENTERPRISE_ONLY)));
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson(
                "{\"key\":\"sk-NewSecret0123456789abcd\",\"token\":\"" + newKey + "\"}")));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{\"deleted_keys\":[]}")));
        keyInfo(row(newKey, "bob", "{}"));
    }

    @Test
    void theEnterpriseAnswerNeverOpensTheBreakerWhileRealFailuresDo() {
        String key = hash("licence-breaker");
        litellm().stubFor(post(urlPathEqualTo("/key/" + key + "/regenerate")).willReturn(error(500, ENTERPRISE_ONLY)));
        keyInfo(row(key, "bob", "{}"));
        // test profile: the breaker looks at 10 calls and opens at half of them failing
        for (int i = 0; i < 15; i++) {
            Throwable failure = client.regenerateKey(key, new com.fasterxml.jackson.databind.ObjectMapper()
                    .createObjectNode(), "bob").subscribe().withSubscriber(UniAssertSubscriber.create())
                    .awaitFailure(Duration.ofSeconds(5)).getFailure();
            assertInstanceOf(UpstreamException.Unlicensed.class, failure);
        }
        assertEquals("bob", client.findKey(key).await().atMost(Duration.ofSeconds(5)).orElseThrow()
                .path("user_id").asText(), "the breaker is still closed");

        // the same number of real 500s does open it: the check above can fail
        litellm().stubFor(post(urlPathEqualTo("/key/" + key + "/regenerate")).willReturn(error(500, "database is down")));
        Throwable last = null;
        for (int i = 0; i < 15; i++) {
            last = client.regenerateKey(key, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
                    "bob").subscribe().withSubscriber(UniAssertSubscriber.create())
                    .awaitFailure(Duration.ofSeconds(5)).getFailure();
        }
        assertInstanceOf(CircuitBreakerOpenException.class, last);
    }

    @Test
    void aBurstOfRotationsOnOpenSourceLiteLlmLeavesTheServiceUsable() {
        openSourceLiteLlm(hash("burst-new"));
        for (int i = 0; i < 12; i++) {
            String old = hash("burst-old-" + i);
            keyInfo(row(old, "bob", "{\"key_alias\":null}"));
            given().auth().oauth2(TestTokens.admin("alice")).contentType("application/json")
                    .post(BASE + "/users/bob/keys/" + old + "/regenerate").then().statusCode(200);
        }
        // every rotation asked LiteLLM (licence-recheck is 0 in tests) and met the enterprise answer
        litellm().verify(12, postRequestedFor(urlPathMatching("/key/[0-9a-f]{64}/regenerate")));
        // and the breaker stayed closed: an ordinary read still reaches LiteLLM
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/key/list")).willReturn(
                okJson("{\"keys\":[],\"total_count\":0,\"current_page\":1,\"total_pages\":0}")));
        given().auth().oauth2(TestTokens.admin("alice")).get(BASE + "/users/bob/keys").then().statusCode(200);
    }

    @Test
    void afterTheEnterpriseAnswerRotationsSkipRegenerateUntilTheRecheck() {
        AtomicLong now = new AtomicLong();
        OrchestratorConfig tenMinutes = RegenerateFallbackNeverTest.withRegenerate(config, Fallback.AUTO,
                Duration.ofMinutes(10));
        KeyRotationService rotation = new KeyRotationService(client, keys, new RegenerationLimiter(tenMinutes), claims, recovery,
                tenMinutes, metrics, now::get);
        openSourceLiteLlm(hash("memory-new"));

        rotate(rotation, hash("memory-1"));
        litellm().verify(1, anyRequestedFor(urlPathMatching("/key/[0-9a-f]{64}/regenerate")));

        now.addAndGet(Duration.ofMinutes(9).toNanos());
        rotate(rotation, hash("memory-2"));
        // straight to the fallback: LiteLLM is not asked again
        litellm().verify(1, anyRequestedFor(urlPathMatching("/key/[0-9a-f]{64}/regenerate")));

        now.addAndGet(Duration.ofMinutes(2).toNanos());
        rotate(rotation, hash("memory-3"));
        // the recheck: a licence added meanwhile would be used now
        litellm().verify(2, anyRequestedFor(urlPathMatching("/key/[0-9a-f]{64}/regenerate")));

        // a licence was added: LiteLLM regenerates, and the memory is cleared
        String licensed = hash("memory-4");
        keyInfo(row(licensed, "bob", "{}"));
        litellm().stubFor(post(urlPathEqualTo("/key/" + licensed + "/regenerate")).willReturn(okJson(
                "{\"key\":\"sk-Regenerated0123456789ab\",\"token\":\"" + hash("memory-4-new") + "\"}")));
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        rotate(rotation, licensed);
        rotate(rotation, hash("memory-5"));
        litellm().verify(4, anyRequestedFor(urlPathMatching("/key/[0-9a-f]{64}/regenerate")));
    }

    private static void rotate(KeyRotationService rotation, String oldKey) {
        if (!oldKey.equals(hash("memory-4"))) {
            keyInfo(row(oldKey, "bob", "{\"key_alias\":null}"));
        }
        rotation.regenerate(new Caller("alice", true), "bob", oldKey, RegenerateUserKeyRequest.EMPTY)
                .await().atMost(Duration.ofSeconds(10));
    }
}

package io.litellm.orchestrator.service;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.KeyFixtures.bodies;
import static io.litellm.orchestrator.support.KeyFixtures.error;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.config.OrchestratorConfig.Regenerate.Fallback;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/**
 * {@code orchestrator.regenerate.fallback=never}: open-source LiteLLM's refusal becomes a 501 and nothing else is
 * sent. The service is built with that setting over the real client and WireMock, instead of a test profile (which
 * would restart the application and clash with the run's class order).
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RegenerateFallbackNeverTest extends ApiTest {

    @Inject
    LiteLlmClient client;
    @Inject
    KeyService keys;
    @Inject
    OrchestratorConfig config;
    @Inject
    OrchestratorMetrics metrics;
    @Inject
    RotationClaims claims;
    @Inject
    RotationRecovery recovery;

    @Test
    void enterpriseOnlyAnswerIsNotImplemented() {
        OrchestratorConfig never = withFallback(config, Fallback.NEVER);
        KeyRotationService rotation = new KeyRotationService(client, keys, new RegenerationLimiter(never), claims, recovery,
                never, metrics);
        String oldKey = hash("never-old");
        keyInfo(row(oldKey, "bob", "{}"));
        litellm().stubFor(WireMock.post(urlPathEqualTo("/key/" + oldKey + "/regenerate"))
                .willReturn(error(500, "Regenerating Virtual Keys is an Enterprise feature")));

        Throwable failure = rotation.regenerate(new Caller("bob", false), "bob", oldKey, RegenerateUserKeyRequest.EMPTY)
                .subscribe().withSubscriber(UniAssertSubscriber.create())
                .awaitFailure(Duration.ofSeconds(10)).getFailure();

        ApiException answer = (ApiException) failure;
        assertEquals(ErrorKind.NOT_IMPLEMENTED, answer.kind());
        assertTrue(answer.getMessage().contains("orchestrator.regenerate.fallback"), answer.getMessage());
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate")));
        assertEquals(0, bodies("/key/generate").size());
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/update")));
        assertEquals(0, bodies("/key/delete").size());
    }

    @Test
    void theDefaultIsAuto() {
        assertEquals(Fallback.AUTO, config.regenerate().fallback());
        assertEquals(5, config.regenerate().maxPerWindow());
        assertEquals(Duration.ofMinutes(10), config.regenerate().window());
    }

    private static OrchestratorConfig withFallback(OrchestratorConfig base, Fallback fallback) {
        return withRegenerate(base, fallback, base.regenerate().licenceRecheck());
    }

    /** The configuration with other regeneration settings (for services built by hand in tests). */
    static OrchestratorConfig withRegenerate(OrchestratorConfig base, Fallback fallback, Duration licenceRecheck) {
        OrchestratorConfig.Regenerate regenerate = new OrchestratorConfig.Regenerate() {
            @Override
            public Duration licenceRecheck() {
                return licenceRecheck;
            }

            @Override
            public Duration maxGracePeriod() {
                return base.regenerate().maxGracePeriod();
            }

            @Override
            public Duration claimTtl() {
                return base.regenerate().claimTtl();
            }

            @Override
            public int recoverySweepPages() {
                return base.regenerate().recoverySweepPages();
            }

            @Override
            public Duration recoverySweepDelay() {
                return base.regenerate().recoverySweepDelay();
            }

            @Override
            public Fallback fallback() {
                return fallback;
            }

            @Override
            public int maxPerWindow() {
                return base.regenerate().maxPerWindow();
            }

            @Override
            public Duration window() {
                return base.regenerate().window();
            }
        };
        return new OrchestratorConfig() {
            @Override
            public String adminRole() {
                return base.adminRole();
            }

            @Override
            public java.util.Optional<String> allowedRole() {
                return base.allowedRole();
            }

            @Override
            public boolean autoCreateUsers() {
                return base.autoCreateUsers();
            }

            @Override
            public UserDefaults userDefaults() {
                return base.userDefaults();
            }

            @Override
            public KnownUsers knownUsers() {
                return base.knownUsers();
            }

            @Override
            public Regenerate regenerate() {
                return regenerate;
            }

            @Override
            public Workshops workshops() {
                return base.workshops();
            }

            @Override
            public boolean autoCreateTeams() {
                return base.autoCreateTeams();
            }

            @Override
            public java.util.Optional<String> groupRolePattern() {
                return base.groupRolePattern();
            }

            @Override
            public TeamDefaults teamDefaults() {
                return base.teamDefaults();
            }

            @Override
            public java.util.Map<String, Ceiling> ceilings() {
                return base.ceilings();
            }

            @Override
            public KeyScan keyScan() {
                return base.keyScan();
            }
        };
    }
}

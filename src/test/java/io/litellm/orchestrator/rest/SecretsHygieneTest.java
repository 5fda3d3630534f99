package io.litellm.orchestrator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.Evidence;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.LiteLlmStubs;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Runs last (its profile sorts last; @Order within the group): every response body and log line of the whole run is scanned for the
 * master key and for every key secret we issued. A secret may appear only in the one response that issued it.
 */
@QuarkusTest
@TestProfile(SecretsHygieneTest.ZzzEndOfRun.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@Order(Integer.MAX_VALUE)
class SecretsHygieneTest extends ApiTest {

    /** Quarkus groups test classes by profile, in profile-name order: this one sorts last. */
    public static class ZzzEndOfRun implements QuarkusTestProfile {
    }

    @Test
    void noSecretEscapedAnywhereDuringTheRun() {
        List<Evidence.Body> bodies = Evidence.bodies();
        List<String> logLines = Evidence.logLines();
        Set<String> issued = new HashSet<>();
        bodies.forEach(body -> {
            if (body.issuedSecret() != null) {
                issued.add(body.issuedSecret());
            }
        });
        // the run must have issued secrets, or this test proves nothing
        assertThat(issued).as("secrets issued during the run").hasSizeGreaterThanOrEqualTo(3);
        assertThat(logLines).as("log lines captured").isNotEmpty();
        assertThat(bodies).as("responses captured").hasSizeGreaterThan(100);

        for (Evidence.Body body : bodies) {
            assertThat(body.body()).as("response of %s", body.request()).doesNotContain(LiteLlmStubs.MASTER_KEY);
            for (String secret : issued) {
                if (!secret.equals(body.issuedSecret())) {
                    assertThat(body.body()).as("response of %s", body.request()).doesNotContain(secret);
                }
            }
        }
        for (String line : logLines) {
            assertThat(line).doesNotContain(LiteLlmStubs.MASTER_KEY);
            for (String secret : issued) {
                assertThat(line).doesNotContain(secret);
            }
        }
    }
}

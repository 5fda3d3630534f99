package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyDeleted;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyOwnedBy;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.serverError;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.Evidence;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health, the admin connection report, metrics and the audit trail. */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ObservabilityTest extends ApiTest {

    @Test
    void readinessFollowsLiteLlmAndIsCached() throws InterruptedException {
        litellm().stubFor(get(urlPathEqualTo("/health/liveliness")).willReturn(okJson("\"I'm alive!\"")));
        given().get("/q/health/ready"); // warm the path, so the timed part below is not a cold start
        TimeUnit.MILLISECONDS.sleep(2100); // let any earlier cached probe expire (cache-ttl=2s in tests)
        litellm().resetRequests();
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        // three probes within the cache lifetime: LiteLLM was asked once
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/health/liveliness")));

        litellm().stubFor(get(urlPathEqualTo("/health/liveliness"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        TimeUnit.MILLISECONDS.sleep(2100);
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        // liveness is the process alone: a LiteLLM outage must not get our pods restarted
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));

        litellm().stubFor(get(urlPathEqualTo("/health/liveliness")).willReturn(okJson("\"I'm alive!\"")));
        TimeUnit.MILLISECONDS.sleep(2100);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void connectionReportIsForAdminsAndNeverShowsTheKey() {
        litellm().stubFor(get(urlPathEqualTo("/health/liveliness")).willReturn(okJson("\"I'm alive!\"")));
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson("{\"keys\":[],\"total_pages\":0}")));
        as(TestTokens.admin("root")).get(BASE + "/health/connection").then().statusCode(200)
                .body("litellmUrl", equalTo(litellm().baseUrl()))
                .body("reachable", equalTo(true))
                .body("masterKeyAccepted", equalTo(true))
                .body(not(containsString(LiteLlmStubs.MASTER_KEY)));
        as(TestTokens.user("bob")).get(BASE + "/health/connection").then().statusCode(403);
        anonymous().get(BASE + "/health/connection").then().statusCode(401);

        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Invalid proxy server token\",\"code\":\"401\"}}")));
        as(TestTokens.admin("root")).get(BASE + "/health/connection").then().statusCode(200)
                .body("reachable", equalTo(true)).body("masterKeyAccepted", equalTo(false));

        litellm().stubFor(get(urlPathEqualTo("/health/liveliness"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        as(TestTokens.admin("root")).get(BASE + "/health/connection").then().statusCode(200)
                .body("reachable", equalTo(false));
    }

    @Test
    void metricsCountOperationsRefusalsAndUpstreamFailuresWithoutIdentities() {
        double createdBefore = counter("orchestrator_operations_total", "operation=\"createUserKey\",outcome=\"success\"");
        double deletedBefore = counter("orchestrator_operations_total", "operation=\"deleteUserKey\",outcome=\"success\"");
        double notSelfBefore = counter("orchestrator_authorization_refusals_total", "reason=\"not_self\"");
        double unauthBefore = counter("orchestrator_authorization_refusals_total", "reason=\"unauthenticated\"");
        double failedBefore = counter("orchestrator_upstream_failures_total", "kind=\"failed\"");
        double policyBefore = counter("orchestrator_authorization_refusals_total", "reason=\"field_policy\"");

        String secret = "sk-metrics0123456789";
        String hash = hash("metrics-key");
        userExists(JANE);
        keyGenerated(JANE, secret, hash);
        as(TestTokens.user(JANE)).body("{}").post(BASE + "/users/" + JANE_PATH + "/keys").then().statusCode(201);
        keyOwnedBy(hash, JANE);
        keyDeleted();
        as(TestTokens.user(JANE)).delete(BASE + "/users/" + JANE_PATH + "/keys/" + hash).then().statusCode(204);
        as(TestTokens.user("alice")).get(BASE + "/users/" + JANE_PATH).then().statusCode(403);
        anonymous().get(BASE + "/users/bob").then().statusCode(401);
        as(TestTokens.user(JANE)).body("{\"maxBudget\":1000}").post(BASE + "/users/" + JANE_PATH + "/keys")
                .then().statusCode(403);
        serverError("/user/info");
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(502);

        assertThat(counter("orchestrator_operations_total", "operation=\"createUserKey\",outcome=\"success\""))
                .isEqualTo(createdBefore + 1);
        assertThat(counter("orchestrator_operations_total", "operation=\"deleteUserKey\",outcome=\"success\""))
                .isEqualTo(deletedBefore + 1);
        assertThat(counter("orchestrator_authorization_refusals_total", "reason=\"not_self\"")).isEqualTo(notSelfBefore + 1);
        assertThat(counter("orchestrator_authorization_refusals_total", "reason=\"unauthenticated\""))
                .isEqualTo(unauthBefore + 1);
        assertThat(counter("orchestrator_upstream_failures_total", "kind=\"failed\"")).isEqualTo(failedBefore + 3);
        assertThat(counter("orchestrator_authorization_refusals_total", "reason=\"field_policy\"")).isEqualTo(policyBefore + 1);

        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("http_server_requests_seconds_count").contains("ft_");
        assertThat(metrics).doesNotContain(JANE).doesNotContain("jane.doe").doesNotContain(hash)
                .doesNotContain(secret).doesNotContain(LiteLlmStubs.MASTER_KEY);
    }

    @Test
    void everyMutationLeavesOneAuditLineAndChangedByHeader() {
        String secret = "sk-audit0123456789abc";
        String hash = hash("audit-key");
        userExists("bob");
        keyGenerated("bob", secret, hash);
        int before = Evidence.logLines().size();
        as(TestTokens.admin("root")).body("{}").post(BASE + "/users/bob/keys").then().statusCode(201);
        as(TestTokens.user("alice")).delete(BASE + "/users/bob/keys/" + hash).then().statusCode(403);

        List<String> lines = Evidence.logLines();
        List<String> audit = lines.subList(before, lines.size()).stream()
                .filter(line -> line.startsWith("audit ")).toList();
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0)).contains("operation=createUserKey caller=root actingAs=admin targetUser=bob targetKey="
                + hash + " outcome=success upstreamStatus=2xx").doesNotContain(secret);
        assertThat(audit.get(1)).contains("operation=deleteUserKey caller=alice actingAs=other targetUser=bob")
                .contains("outcome=NotAllowedError");
        litellm().verify(1, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/key/generate"))
                .withHeader("litellm-changed-by", com.github.tomakehurst.wiremock.client.WireMock.equalTo("root")));
    }

    private static double counter(String name, String tags) {
        String metrics = given().get("/q/metrics").asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        for (String tag : tags.split(",")) {
            assertThat(tag).isNotBlank();
        }
        while (m.find()) {
            boolean all = true;
            for (String tag : tags.split(",")) {
                all &= m.group(1).contains(tag);
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}

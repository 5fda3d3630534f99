package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.serverError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.litellm.orchestrator.client.LiteLlmGuard;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * {@code litellm.resilience.*} holds for LiteLLM as a whole, across routes and client methods: one bulkhead (test
 * profile: 4 in flight, 4 queued) and one circuit breaker. Per-call timeouts are long here, so a queued call never
 * times out and leaves an abandoned request running at LiteLLM (which would blur the count of requests in flight).
 */
@QuarkusTest
@TestProfile(SharedGuardTest.LongTimeouts.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SharedGuardTest extends ApiTest {

    /** Shared with {@link WorkshopDeadlineTest} (its workshop deadline and concurrency), so Quarkus starts once for both. */
    public static class LongTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a breaker that stays open for the whole test, however slow the machine; a workshop key may take its 4 s
            return Map.of("litellm.resilience.timeout-ms", "5000", "litellm.resilience.request-deadline", "15s",
                    "litellm.resilience.breaker-delay-ms", "30000", "orchestrator.workshops.deadline", "3s",
                    "orchestrator.workshops.max-concurrency", "2");
        }
    }

    private static final int DELAY_MS = 400;
    private static final String PLATFORM = "group:default/platform";
    private static final String PLATFORM_PATH = "group%3Adefault%2Fplatform";
    private static final String PLATFORM_TEAM = "grp-541d073f100995a6591fd00a4478b2e5099fc307";
    private static final String KEY = hash("shared-guard");

    @Test
    void callsInFlightStayWithinOneBulkheadAcrossRoutes() throws Exception {
        slow(get(urlPathEqualTo("/user/info")), """
                {"user_id":"bob","user_info":{"user_id":"bob","spend":0},"keys":[],"teams":[]}""");
        slow(get(urlPathEqualTo("/key/list")), """
                {"keys":[],"total_count":0,"current_page":1,"total_pages":0}""");
        slow(get(urlPathEqualTo("/key/info")), """
                {"key":"%s","info":{"user_id":"bob","key_alias":null,"spend":0,"metadata":{}}}""".formatted(KEY));
        slow(post(urlPathEqualTo("/key/delete")), "{\"deleted_keys\":[\"" + KEY + "\"]}");
        slow(get(urlPathEqualTo("/team/info")), """
                {"team_id":"%1$s","team_info":{"team_id":"%1$s","team_alias":"%2$s","max_budget":null,
                 "budget_duration":null,"spend":0.0,"models":[]},"keys":[],"team_memberships":[]}"""
                .formatted(PLATFORM_TEAM, PLATFORM));
        String bob = TestTokens.user("bob");
        String jane = TestTokens.withRoles(JANE, Set.of("user", PLATFORM));
        List<Callable<Response>> routes = List.of(
                () -> as(bob).get(BASE + "/users/bob"),
                () -> as(bob).get(BASE + "/users/bob/keys"),
                () -> as(bob).delete(BASE + "/users/bob/keys/" + KEY),
                () -> as(jane).get(BASE + "/groups/" + PLATFORM_PATH));
        // warm every route first, so a cold start does not stretch the first calls
        for (Callable<Response> route : routes) {
            assertThat(route.call().statusCode()).isLessThan(300);
        }
        litellm().resetRequests();

        int requests = 24;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        List<Response> answers = new ArrayList<>();
        try {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                calls.add(pool.submit(routes.get(i % routes.size())));
            }
            for (Future<Response> call : calls) {
                answers.add(call.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(maxInFlight(litellm().getAllServeEvents())).as("LiteLLM requests in flight at once, all routes")
                .isPositive().isLessThanOrEqualTo(4);
        List<Response> refused = answers.stream().filter(a -> a.statusCode() == 503).toList();
        assertThat(refused).as("overflow refused by the one bulkhead").isNotEmpty();
        refused.forEach(a -> {
            assertThat(a.header("Retry-After")).isNotNull();
            assertThat(a.jsonPath().getString("name")).isEqualTo("ServiceUnavailableError");
        });
        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(200, 204, 503));
    }

    @Test
    void breakerOpenedByOneRouteSparesLiteLlmTheOthers() {
        serverError("/user/info");
        // 4 requests × 3 attempts = 12 failed calls ≥ the 10-call window: the one breaker opens
        for (int i = 0; i < 4; i++) {
            as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(anyOf(equalTo(502), equalTo(503)));
        }
        assertThat(breakers.currentState(LiteLlmGuard.BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
        int callsWhenOpen = litellm().findAll(anyRequestedFor(anyUrl())).size();

        // other routes, other client methods, reads and writes: all fail fast without reaching LiteLLM
        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys").then().statusCode(503)
                .header("Retry-After", notNullValue()).body("name", equalTo("ServiceUnavailableError"));
        as(TestTokens.withRoles(JANE, Set.of("user", PLATFORM))).get(BASE + "/groups/" + PLATFORM_PATH).then()
                .statusCode(503).header("Retry-After", notNullValue());
        as(TestTokens.user("bob")).delete(BASE + "/users/bob/keys/" + KEY).then().statusCode(503);
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/key/list")));
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/team/info")));
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/key/info")));
        assertThat(litellm().findAll(anyRequestedFor(anyUrl()))).hasSize(callsWhenOpen);
    }

    private static void slow(com.github.tomakehurst.wiremock.client.MappingBuilder request, String body) {
        litellm().stubFor(request.willReturn(aResponse().withFixedDelay(DELAY_MS)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    /**
     * Most requests WireMock was serving at one instant: each request from its arrival to its answer (less a little,
     * for millisecond rounding: a slot freed by one answer is taken by the next request right after).
     */
    private static int maxInFlight(List<ServeEvent> events) {
        List<long[]> spans = new ArrayList<>();
        for (ServeEvent event : events) {
            long start = event.getRequest().getLoggedDate().getTime();
            long end = start + event.getTiming().getTotalTime() - 30;
            spans.add(new long[] { start, end });
        }
        int max = 0;
        for (long[] span : spans) {
            long at = span[0];
            int inFlight = (int) spans.stream().filter(s -> s[0] <= at && at < s[1]).count();
            max = Math.max(max, inFlight);
        }
        return max;
    }
}

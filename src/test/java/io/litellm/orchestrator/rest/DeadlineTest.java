package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.micrometer.core.instrument.MeterRegistry;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * One deadline per request ({@code litellm.resilience.request-deadline}): 1 s here, with 800 ms per LiteLLM attempt
 * and 2 retries. Without it a stalled read takes 3 × 800 ms and a slow multi-page list 50 × the page time; the
 * bounds below leave room for a busy machine and still fail on either.
 */
@QuarkusTest
@TestProfile(DeadlineTest.ShortDeadline.class)
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DeadlineTest extends ApiTest {

    /** The test profile's values, with a deadline shorter than three attempts. */
    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("litellm.resilience.request-deadline", "1s", "litellm.resilience.timeout-ms", "800");
        }
    }

    /**
     * The server's own measure of the slowest answer (Quarkus's HTTP timer) may exceed the 1 s deadline by at most
     * this, room for a machine loaded by parallel builds; a stalled read takes 2.4 s without a deadline. What the
     * test client measures also holds its own overhead (seconds on such a machine), so it gets a looser bound, still
     * below the 15 s of the multi-call case without a deadline. The call counts are the exact part.
     */
    private static final long SLACK_MS = 1_000;
    private static final long CLIENT_BOUND_MS = 10_000;
    private static final String STALLED_USER = "{\"user_id\":\"bob\",\"user_info\":null}";

    @ConfigProperty(name = "litellm.resilience.request-deadline")
    Duration deadline;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void warm() {
        // a cold first request (class loading, first connection) is not what is measured
        userExists("bob");
        for (int i = 0; i < 10 && as(TestTokens.user("bob")).get(BASE + "/users/bob").statusCode() != 200; i++) {
            // on a busy machine the very first request may itself outlast the 1 s deadline
        }
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(200);
        litellm().resetAll();
        // the server's timers then hold only the answers of the test itself
        registry.find("http.server.requests").meters().forEach(registry::remove);
    }

    @Test
    void theDeadlineIsConfiguredAndItsDefaultIsAtMostSixSeconds() throws Exception {
        assertThat(deadline).isEqualTo(Duration.ofSeconds(1));
        var method = io.litellm.orchestrator.config.LiteLlmConfig.Resilience.class.getMethod("requestDeadline");
        String fallback = method.getAnnotation(io.smallrye.config.WithDefault.class).value();
        assertThat(Duration.parse("PT" + fallback.toUpperCase())).isLessThanOrEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void stalledLiteLlmIs504WithinTheDeadlineAndNoAttemptStartsAfterIt() {
        stall("/user/info", 5_000);
        RequestSpecification bob = as(TestTokens.user("bob"));
        long started = System.nanoTime();
        bob.get(BASE + "/users/bob").then().statusCode(504)
                .body("name", equalTo("GatewayTimeoutError")).body("message", containsString("deadline"));
        assertThat(millisSince(started)).isGreaterThanOrEqualTo(900);
        assertThat(slowestAnswerMs("/users/{userId}")).isLessThan(deadline.toMillis() + SLACK_MS);
        // attempts at 0 and ~810 ms (cut at the deadline); a third would start at ~1.6 s
        litellm().verify(2, getRequestedFor(urlPathEqualTo("/user/info")));
    }

    @Test
    void multiCallRouteStopsCallingAtTheDeadline() {
        // every page answers (300 ms each) and claims more pages: without a deadline, 50 calls and 15 s, which even
        // a loaded machine's client-side measure tells apart
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(aResponse().withFixedDelay(300)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"keys\":[],\"total_count\":5000,\"current_page\":1,\"total_pages\":50}")));
        RequestSpecification bob = as(TestTokens.user("bob"));
        long started = System.nanoTime();
        bob.get(BASE + "/users/bob/keys").then().statusCode(504).body("name", equalTo("GatewayTimeoutError"));
        assertThat(millisSince(started)).isLessThan(CLIENT_BOUND_MS);
        assertThat(slowestAnswerMs("/users/{userId}/keys")).isLessThan(deadline.toMillis() + SLACK_MS);
        // pages at 0, 300, 600, 900 ms at most, the last one cut
        assertThat(litellm().findAll(getRequestedFor(urlPathEqualTo("/key/list"))).size()).isBetween(1, 4);
    }

    @Test
    void manyCallersOnAStalledLiteLlmAllAnswerWithinTheDeadlineWhileLivenessStaysFast() throws Exception {
        stall("/user/info", 10_000);
        String token = TestTokens.user("bob");
        given().get("/q/health/live").then().statusCode(200);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<long[]>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> {
                    long started = System.nanoTime();
                    int status = as(token).get(BASE + "/users/bob").statusCode();
                    return new long[] { status, millisSince(started) };
                }));
            }
            // meanwhile the process answers its liveness probe at once
            TimeUnit.MILLISECONDS.sleep(300);
            CompletableFuture<Long> live = CompletableFuture.supplyAsync(() -> {
                long started = System.nanoTime();
                Response response = given().get("/q/health/live");
                assertThat(response.statusCode()).isEqualTo(200);
                return millisSince(started);
            });
            // it does not wait for the 10 s stall (a loaded machine adds its own delay to what the client measures)
            assertThat(live.get(5, TimeUnit.SECONDS)).as("liveness during the stall, ms").isLessThan(3_000);
            for (Future<long[]> call : calls) {
                long[] answer = call.get(5, TimeUnit.SECONDS);
                // 504 at the deadline, or 503 at once from the bulkhead or the opened breaker
                assertThat(answer[0]).isIn(503L, 504L);
                assertThat(answer[1]).as("answer time seen by the client, ms").isLessThan(CLIENT_BOUND_MS);
            }
            assertThat(slowestAnswerMs("/users/{userId}")).isLessThan(deadline.toMillis() + SLACK_MS);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void stall(String path, int delayMs) {
        litellm().stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withFixedDelay(delayMs)
                .withHeader("Content-Type", "application/json").withBody(STALLED_USER)));
    }

    /** The slowest answer the server gave on {@code route} (504 or 503), by its own HTTP timer. */
    private long slowestAnswerMs(String route) {
        double slowest = registry.find("http.server.requests").tag("uri", route).timers().stream()
                .filter(timer -> timer.getId().getTag("status").startsWith("50"))
                .mapToDouble(timer -> timer.max(TimeUnit.MILLISECONDS)).max()
                .orElseThrow(() -> new AssertionError("no 5xx timed on " + route + ": "
                        + registry.find("http.server.requests").timers().stream().map(t -> t.getId().toString()).toList()));
        return (long) slowest;
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}

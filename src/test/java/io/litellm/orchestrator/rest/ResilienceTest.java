package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyUnknown;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.serverError;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * LiteLLM misbehaving, and what the caller sees. The test profile sets a 500 ms timeout, 2 retries, a breaker over
 * 10 calls with a 1 s delay, and a bulkhead of 4 running + 4 queued.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ResilienceTest extends ApiTest {

    private static final int READ_ATTEMPTS = 3;

    @Test
    void slowReadIs504AfterRetries() {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).willReturn(aResponse().withFixedDelay(1500)
                .withHeader("Content-Type", "application/json").withBody("{\"user_id\":\"bob\",\"user_info\":null}")));
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(504)
                .body("name", equalTo("GatewayTimeoutError"));
        litellm().verify(READ_ATTEMPTS, getRequestedFor(urlPathEqualTo("/user/info")));
    }

    @Test
    void slowWriteIs504AndIsNeverRepeated() {
        userExists("bob");
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(aResponse().withFixedDelay(1500)
                .withHeader("Content-Type", "application/json").withBody("{}")));
        as(TestTokens.user("bob")).body("{}").post(BASE + "/users/bob/keys").then().statusCode(504);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void serverErrorOnReadIs502AfterRetries() {
        serverError("/user/info");
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(502)
                .body("name", equalTo("BadGatewayError")).body("message", containsString("500"));
        litellm().verify(READ_ATTEMPTS, getRequestedFor(urlPathEqualTo("/user/info")));
    }

    @Test
    void serverErrorOnWriteIs502WithExactlyOneCall() {
        userUnknown("bob");
        serverError("/user/new");
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(502);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new")));
    }

    @Test
    void connectionResetOnReadIs502AfterRetries() {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys").then().statusCode(502)
                .body("name", equalTo("BadGatewayError"));
        litellm().verify(READ_ATTEMPTS, getRequestedFor(urlPathEqualTo("/key/list")));
    }

    @Test
    void connectionResetOnWriteIsNeverRepeated() {
        userExists("bob");
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        as(TestTokens.user("bob")).body("{}").post(BASE + "/users/bob/keys").then().statusCode(502);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void malformedAnswerIs502() {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"user_id\": \"bob\", \"user_info\": {oops")));
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(502)
                .body("name", equalTo("BadGatewayError")).body(not(containsString("Exception")));
    }

    @Test
    void refusedMasterKeyIs502BlamingTheOperatorNotTheUser() {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"Authentication Error, Invalid proxy server token passed. key=" + LiteLlmStubs.MASTER_KEY
                                + "\",\"type\":\"auth_error\",\"param\":\"None\",\"code\":\"401\"}}")));
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(502)
                .body("message", containsString("LITELLM_MASTER_KEY"))
                .body(not(containsString(LiteLlmStubs.MASTER_KEY)));
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/user/info")));
    }

    @Test
    void notFoundIsNeitherRetriedNorAFailure() {
        String hash = hash("missing");
        keyUnknown(hash);
        for (int i = 0; i < 15; i++) {
            as(TestTokens.user("bob")).delete(BASE + "/users/bob/keys/" + hash).then().statusCode(404);
        }
        litellm().verify(15, getRequestedFor(urlPathEqualTo("/key/info")));
    }

    @Test
    void breakerOpensFailsFastThenClosesWhenLiteLlmRecovers() throws InterruptedException {
        serverError("/user/info");
        // 4 requests × 3 attempts = 12 failed calls ≥ the 10-call window: the breaker opens
        for (int i = 0; i < 4; i++) {
            as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(org.hamcrest.Matchers.anyOf(
                    equalTo(502), equalTo(503)));
        }
        int callsWhenOpen = litellm().findAll(getRequestedFor(urlPathEqualTo("/user/info"))).size();
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(503)
                .header("Retry-After", notNullValue())
                .body("name", equalTo("ServiceUnavailableError"));
        // failing fast: LiteLLM was not called at all
        litellm().verify(callsWhenOpen, getRequestedFor(urlPathEqualTo("/user/info")));

        userExists("bob");
        TimeUnit.MILLISECONDS.sleep(1200);
        for (int i = 0; i < 3; i++) {
            as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(200);
        }
    }

    @Test
    void bulkheadRefusesExcessCallsFast() throws Exception {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).willReturn(aResponse().withFixedDelay(200)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"user_id\":\"bob\",\"user_info\":{\"user_id\":\"bob\",\"spend\":0},\"keys\":[],\"teams\":[]}")));
        String token = TestTokens.user("bob");
        // warm the path first, so a cold start does not turn into timeouts
        as(token).get(BASE + "/users/bob").then().statusCode(200);
        litellm().resetRequests();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(pool.submit(() -> as(token).get(BASE + "/users/bob").statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> call : calls) {
                statuses.add(call.get(10, TimeUnit.SECONDS));
            }
            long ok = statuses.stream().filter(s -> s == 200).count();
            long refused = statuses.stream().filter(s -> s == 503).count();
            assertThat(refused).as("refused by the bulkhead").isPositive();
            assertThat(ok + refused).isEqualTo(16);
            // a refused call never reached LiteLLM: only admitted ones did (a queued one may time out and retry once)
            int upstreamCalls = litellm().findAll(getRequestedFor(urlPathEqualTo("/user/info"))).size();
            assertThat(upstreamCalls).isGreaterThanOrEqualTo((int) ok).isLessThan(16);
        } finally {
            pool.shutdownNow();
        }
    }
}

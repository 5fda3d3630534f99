package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A caller's own LiteLLM user is created on first use; nobody else's ever is. */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LazyUserCreationTest extends ApiTest {

    /** LiteLLM as a state machine: unknown until /user/new, known after. */
    private static void userAppearsOnceCreated(String userId, int creationDelayMs) {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).inScenario("lazy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(LiteLlmStubs.unknownUser(LiteLlmStubs.line(), userId)));
        litellm().stubFor(post(urlPathEqualTo("/user/new")).inScenario("lazy").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("created")
                .willReturn(okJson("{\"user_id\":\"" + userId + "\",\"max_budget\":null,\"budget_duration\":null,"
                        + "\"spend\":0.0,\"key\":null}")
                        .withFixedDelay(creationDelayMs)));
        // like LiteLLM: a second creation of the same id is refused as a duplicate
        litellm().stubFor(post(urlPathEqualTo("/user/new")).inScenario("lazy").whenScenarioStateIs("created")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"User with id=" + userId + " already exists\",\"code\":\"400\"}}")));
        litellm().stubFor(get(urlPathEqualTo("/user/info")).inScenario("lazy").whenScenarioStateIs("created")
                .willReturn(okJson("{\"user_id\":\"" + userId + "\",\"user_info\":{\"user_id\":\"" + userId
                        + "\",\"spend\":0.0,\"max_budget\":null,\"budget_duration\":null,"
                        + "\"created_at\":\"2026-11-23T11:00:00Z\"},\"keys\":[],\"teams\":[]}")));
    }

    @Test
    void firstReadOfOwnUserCreatesItWithDefaults() {
        userAppearsOnceCreated(JANE, 0);
        as(TestTokens.user(JANE)).get(BASE + "/users/" + JANE_PATH).then().statusCode(200)
                .body("userId", equalTo(JANE)).body("createdAt", equalTo("2026-11-23T11:00:00Z"))
                .body("spend", equalTo(0.0f));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new"))
                .withHeader("litellm-changed-by", com.github.tomakehurst.wiremock.client.WireMock.equalTo(JANE))
                .withRequestBody(equalToJson("{\"user_id\":\"" + JANE + "\",\"auto_create_key\":false}")));
        // known from now on: no second creation
        as(TestTokens.user(JANE)).get(BASE + "/users/" + JANE_PATH).then().statusCode(200);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new")));
    }

    @Test
    void firstKeyOfANewUserCreatesTheUserFirst() {
        userAppearsOnceCreated("bob", 0);
        keyGenerated("bob", "sk-lazy0123456789abcd", hash("lazy"));
        as(TestTokens.user("bob")).body("{}").post(BASE + "/users/bob/keys").then().statusCode(201);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new")));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void simultaneousFirstRequestsCreateTheUserOnce() throws Exception {
        userAppearsOnceCreated("bob", 300);
        String token = TestTokens.user("bob");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<Integer> read = () -> as(token).get(BASE + "/users/bob").statusCode();
            List<Future<Integer>> calls = pool.invokeAll(List.of(read, read, read, read), 20, TimeUnit.SECONDS);
            for (Future<Integer> call : calls) {
                assertThat(call.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        // requests in flight together share one creation; one that saw "unknown" just after it finished may try
        // again and meet LiteLLM's duplicate answer, which is fine: it never fails the caller
        assertThat(litellm().findAll(postRequestedFor(urlPathEqualTo("/user/new")))).isNotEmpty().hasSizeLessThan(4);
    }

    @Test
    void raceLostToAnotherReplicaIsFine() {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(LiteLlmStubs.unknownUser(LiteLlmStubs.line(), "bob")));
        litellm().stubFor(post(urlPathEqualTo("/user/new")).inScenario("race").willSetStateTo("exists")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"User with id=bob already exists\",\"type\":\"bad_request\",\"param\":\"user_id\",\"code\":\"400\"}}")));
        litellm().stubFor(get(urlPathEqualTo("/user/info")).inScenario("race").whenScenarioStateIs("exists")
                .willReturn(okJson("{\"user_id\":\"bob\",\"user_info\":{\"user_id\":\"bob\",\"spend\":2.5,"
                        + "\"created_at\":\"2026-11-20T08:00:00Z\"},\"keys\":[],\"teams\":[]}")));
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(200).body("spend", equalTo(2.5f));
    }

    @Test
    void creationFailureIsReportedNotSwallowed() {
        userUnknown("bob");
        litellm().stubFor(post(urlPathEqualTo("/user/new")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"database is down\",\"code\":\"500\"}}")));
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(502)
                .body("name", equalTo("BadGatewayError"))
                .body("message", containsString("Could not create your LiteLLM user"));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new")));
    }

    @Test
    void neverForSomeoneElseNorForARefusedOrAnonymousCaller() {
        userUnknown("bob");
        as(TestTokens.admin("root")).get(BASE + "/users/bob").then().statusCode(404);
        as(TestTokens.admin("root")).body("{}").post(BASE + "/users/bob/keys").then().statusCode(404);
        as(TestTokens.user("alice")).get(BASE + "/users/bob").then().statusCode(403);
        anonymous().get(BASE + "/users/bob").then().statusCode(401);
        as(TestTokens.forged("bob")).get(BASE + "/users/bob").then().statusCode(401);
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/user/new")));
    }

    @Test
    void explicitCreateStillWorksAndStillConflicts() {
        userAppearsOnceCreated("bob", 0);
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(201);
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(409);
    }
}

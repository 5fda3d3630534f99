package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.serverError;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code PATCH /users/{userId}} ({@code updateUser}): admin only, budgets and spend. */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class UserUpdateTest extends ApiTest {

    private static final String PATH = "/api/litellm-orchestrator/users/{userId}";

    @Test
    void adminChangesBudgetResetsSpendAndGetsTheUserAsReadBackWhenTheAnswerHasNoRow() {
        // before the update LiteLLM has the old values; after it, the new ones
        litellm().stubFor(get(urlPathEqualTo("/user/info")).inScenario("update").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("""
                        {"user_id":"bob","user_info":{"user_id":"bob","max_budget":10.0,"spend":7.5,
                         "budget_duration":"30d","created_at":"2026-11-01T10:00:00Z","models":[]}}""")));
        litellm().stubFor(post(urlPathEqualTo("/user/update")).inScenario("update")
                .willReturn(okJson("{\"user_id\":\"bob\"}")).willSetStateTo("updated"));
        litellm().stubFor(get(urlPathEqualTo("/user/info")).inScenario("update").whenScenarioStateIs("updated")
                .willReturn(okJson("""
                        {"user_id":"bob","user_info":{"user_id":"bob","max_budget":50.0,"spend":0.0,
                         "budget_duration":"1mo","created_at":"2026-11-01T10:00:00Z","models":[]}}""")));

        as(TestTokens.admin("alice")).body("{\"maxBudget\":50,\"budgetDuration\":\"1mo\",\"spend\":0}")
                .when().patch(PATH, "bob")
                .then().statusCode(200)
                .body("userId", equalTo("bob"))
                .body("maxBudget", equalTo(50.0f))
                .body("budgetDuration", equalTo("1mo"))
                .body("spend", equalTo(0.0f))
                .body("createdAt", equalTo("2026-11-01T10:00:00Z"));

        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/update"))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + MASTER_KEY))
                .withHeader("litellm-changed-by", WireMock.equalTo("alice"))
                .withRequestBody(equalToJson("""
                        {"user_id":"bob","max_budget":50.0,"budget_duration":"1mo","spend":0.0}""", false, false)));
    }

    @Test
    void theRowLiteLlmAnswersIsTheAnswerWithoutASecondRead() {
        userExists("bob");
        // _update_single_user_helper answers {"user_id", "data": <the row after the change>}
        litellm().stubFor(post(urlPathEqualTo("/user/update")).willReturn(okJson("""
                {"user_id":"bob","data":{"user_id":"bob","max_budget":50.0,"spend":0.0,"budget_duration":"1mo",
                 "created_at":"2026-11-01T10:00:00Z","models":[],"user_role":"internal_user"}}""")));
        as(TestTokens.admin("alice")).body("{\"maxBudget\":50,\"budgetDuration\":\"1mo\",\"spend\":0}")
                .when().patch(PATH, "bob")
                .then().statusCode(200)
                .body("maxBudget", equalTo(50.0f))
                .body("budgetDuration", equalTo("1mo"))
                .body("createdAt", equalTo("2026-11-01T10:00:00Z"));
        // the check first (/user/update would create an unknown id), then the change; no read-back
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.List.of("GET /user/info?user_id=bob", "POST /user/update"),
                io.litellm.orchestrator.support.KeyFixtures.calls());
    }

    @Test
    void onlyTheGivenFieldsAreSent() {
        userExists("bob");
        litellm().stubFor(post(urlPathEqualTo("/user/update")).willReturn(okJson("{}")));

        as(TestTokens.admin("alice")).body("{\"spend\":0}").when().patch(PATH, "bob").then().statusCode(200);

        litellm().verify(postRequestedFor(urlPathEqualTo("/user/update"))
                .withRequestBody(equalToJson("{\"user_id\":\"bob\",\"spend\":0.0}", false, false)));
    }

    @Test
    void selfIsNotEnough() {
        userExists("bob");
        as(TestTokens.user("bob")).body("{\"maxBudget\":1000}").when().patch(PATH, "bob")
                .then().statusCode(403).body("error.name", equalTo("NotAllowedError"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/user/update")));
    }

    @Test
    void anotherUserIsRefused() {
        as(TestTokens.user("carol")).body("{\"maxBudget\":1000}").when().patch(PATH, "bob")
                .then().statusCode(403).body("error.name", equalTo("NotAllowedError"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/user/update")));
    }

    @Test
    void noTokenIsUnauthenticated() {
        given().contentType("application/json").body("{\"maxBudget\":1}").when().patch(PATH, "bob")
                .then().statusCode(401).body("error.name", equalTo("AuthenticationError"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/user/update")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                              | at least one",
            "{\"maxBudget\":-1}              | maxBudget",
            "{\"spend\":-0.5}                | spend",
            "{\"budgetDuration\":\"30 days\"} | budgetDuration",
            "{\"budgetDuration\":\"0d\"}     | budgetDuration",
            "{\"maxBudget\":\"lots\"}        | maxBudget",
            "{\"max_budget\":5}              | max_budget: unknown field",
    })
    void invalidBodiesNameTheField(String body, String expected) {
        userExists("bob");
        as(TestTokens.admin("alice")).body(body).when().patch(PATH, "bob")
                .then().statusCode(400)
                .body("error.name", equalTo("InputError"))
                .body("error.message", containsString(expected));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/user/update")));
    }

    @Test
    void noBodyIsRefused() {
        as(TestTokens.admin("alice")).when().patch(PATH, "bob")
                .then().statusCode(400).body("error.message", containsString("body"));
    }

    @Test
    void unknownUserIsNotFoundAndNotCreated() {
        userUnknown("ghost");
        as(TestTokens.admin("alice")).body("{\"maxBudget\":5}").when().patch(PATH, "ghost")
                .then().statusCode(404).body("error.name", equalTo("NotFoundError"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/user/update")));
    }

    @Test
    void upstreamFailureIsBadGateway() {
        userExists("bob");
        serverError("/user/update");
        as(TestTokens.admin("alice")).body("{\"maxBudget\":5}").when().patch(PATH, "bob")
                .then().statusCode(502).body("error.name", equalTo("BadGatewayError"));
    }
}

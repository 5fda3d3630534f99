package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.serverError;
import static io.litellm.orchestrator.support.LiteLlmStubs.userCreated;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class UserRoutesTest extends ApiTest {

    @Test
    void selfCreatesOwnUserWithDefaultsAndNoKey() {
        LiteLlmStubs.userCreatedOnDemand(LiteLlmStubs.line(), JANE);
        as(TestTokens.user(JANE)).body("{\"userId\":\"" + JANE + "\"}").post(BASE + "/users")
                .then().statusCode(201)
                .body("userId", org.hamcrest.Matchers.equalTo(JANE))
                .body("createdAt", org.hamcrest.Matchers.equalTo("2026-11-23T10:00:00Z"))
                .body("spend", org.hamcrest.Matchers.equalTo(0.0f));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new"))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY))
                .withHeader("litellm-changed-by", equalTo(JANE))
                // the test profile sets no user defaults, so only the id and no key
                .withRequestBody(equalToJson("{\"user_id\":\"" + JANE + "\",\"auto_create_key\":false}")));
    }

    @Test
    void adminCreatesAnotherUserWithBudget() {
        userUnknown("bob");
        userCreated("bob");
        as(TestTokens.admin("root")).body("{\"userId\":\"bob\",\"maxBudget\":25,\"budgetDuration\":\"1mo\"}")
                .post(BASE + "/users").then().statusCode(201).body("userId", org.hamcrest.Matchers.equalTo("bob"));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new"))
                .withHeader("litellm-changed-by", equalTo("root"))
                .withRequestBody(equalToJson("""
                        {"user_id":"bob","max_budget":25.0,"budget_duration":"1mo","auto_create_key":false}""")));
    }

    @Test
    void nonAdminMayNotChooseBudgets() {
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\",\"maxBudget\":1000}").post(BASE + "/users")
                .then().statusCode(403).body("name", org.hamcrest.Matchers.equalTo("NotAllowedError"))
                .body("message", containsString("maxBudget"));
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\",\"budgetDuration\":\"1d\"}").post(BASE + "/users")
                .then().statusCode(403);
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/user/new")));
    }

    @Test
    void existingUserIsAConflict() {
        userExists("bob");
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users")
                .then().statusCode(409).body("error.name", org.hamcrest.Matchers.equalTo("ConflictError"));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/user/new")));
    }

    @Test
    void createRaceLostToAnotherRequestIsAConflict() {
        userUnknown("bob");
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/user/new"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"User with id=bob already exists\",\"type\":\"bad_request\",\"param\":\"user_id\",\"code\":\"400\"}}")));
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(409);
    }

    @Test
    void createUserValidation() {
        as(TestTokens.user("bob")).body("{}").post(BASE + "/users")
                .then().statusCode(400).body("message", containsString("userId"));
        as(TestTokens.user("bob")).body("").post(BASE + "/users")
                .then().statusCode(400).body("name", org.hamcrest.Matchers.equalTo("InputError"));
        as(TestTokens.admin("root")).body("{\"userId\":\"bob\",\"maxBudget\":-1}").post(BASE + "/users")
                .then().statusCode(400).body("message", containsString("maxBudget"));
        as(TestTokens.admin("root")).body("{\"userId\":\"bob\",\"budgetDuration\":\"soon\"}").post(BASE + "/users")
                .then().statusCode(400).body("message", containsString("budgetDuration"));
        as(TestTokens.admin("root")).body("{\"userId\":\"bob\",\"maxBudget\":\"lots\"}").post(BASE + "/users")
                .then().statusCode(400).body("message", containsString("maxBudget"));
        as(TestTokens.admin("root")).body("{\"userId\":\"bob\",\"role\":\"proxy_admin\"}").post(BASE + "/users")
                .then().statusCode(400).body("message", containsString("role"));
        as(TestTokens.admin("root")).body("{\"userId\":").post(BASE + "/users")
                .then().statusCode(400).body("message", containsString("JSON"))
                .body(not(containsString("at com.")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/user/new")));
    }

    @Test
    void selfReadsOwnUserByEntityRef() {
        userExists(JANE, 12.5, null);
        as(TestTokens.user(JANE)).get(BASE + "/users/" + JANE_PATH).then().statusCode(200)
                .body("userId", org.hamcrest.Matchers.equalTo(JANE))
                .body("maxBudget", org.hamcrest.Matchers.equalTo(12.5f))
                .body("budgetDuration", org.hamcrest.Matchers.equalTo("30d"))
                .body("spend", org.hamcrest.Matchers.equalTo(1.25f))
                .body("createdAt", org.hamcrest.Matchers.equalTo("2026-11-01T10:00:00Z"));
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/user/info"))
                .withQueryParam("user_id", equalTo(JANE))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY)));
    }

    @Test
    void adminReadsAnotherUser() {
        userExists("bob");
        as(TestTokens.admin("root")).get(BASE + "/users/bob").then().statusCode(200)
                .body("userId", org.hamcrest.Matchers.equalTo("bob"));
    }

    @Test
    void unknownUserIs404WhenLiteLlmSaysUnknown() {
        userUnknown("bob");
        // an admin reading someone else's id: never created on the fly (see LazyUserCreationTest for self)
        as(TestTokens.admin("root")).get(BASE + "/users/bob").then().statusCode(404)
                .body("error.name", org.hamcrest.Matchers.equalTo("NotFoundError"));
    }

    @Test
    void unknownUserIs404WhenLiteLlmSays404() {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"User not found\",\"type\":\"not_found\",\"param\":\"user_id\",\"code\":\"404\"}}")));
        as(TestTokens.admin("root")).get(BASE + "/users/bob").then().statusCode(404);
    }

    @Test
    void upstreamFailureIs502() {
        serverError("/user/info");
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(502)
                .body("name", org.hamcrest.Matchers.equalTo("BadGatewayError"));
        serverError("/user/new");
        userUnknown("bob");
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(502);
    }

    @Test
    void unsupportedMethodKeepsItsStatusInTheErrorBody() {
        as(TestTokens.user("bob")).body("{}").put(BASE + "/users/bob").then().statusCode(405)
                .body("response.statusCode", org.hamcrest.Matchers.equalTo(405))
                .body("name", org.hamcrest.Matchers.equalTo("InputError"));
    }
}

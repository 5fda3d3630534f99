package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyDeleted;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyOwnedBy;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyUnknown;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.serverError;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KeyRoutesTest extends ApiTest {

    private static final String SECRET = "sk-AbCdEf0123456789wxyz";

    @Test
    void selfCreatesKeyWithTheFrontendsEmptyBody() {
        String hash = hash("jane-1");
        userExists(JANE);
        keyGenerated(JANE, SECRET, hash);
        as(TestTokens.user(JANE)).body("{}").post(BASE + "/users/" + JANE_PATH + "/keys").then().statusCode(201)
                .body("userId", org.hamcrest.Matchers.equalTo(JANE))
                .body("keyId", org.hamcrest.Matchers.equalTo(hash))
                .body("keySecret", org.hamcrest.Matchers.equalTo(SECRET))
                .body("keyRef", org.hamcrest.Matchers.matchesPattern("kr_[a-z2-7]{26}"));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY))
                .withHeader("litellm-changed-by", equalTo(JANE))
                // every key made through us gets a stable reference (README, "Stable key references")
                .withRequestBody(equalToJson("{\"user_id\":\"" + JANE + "\",\"metadata\":{\"orchestrator_key_ref\":"
                        + "\"${json-unit.regex}kr_[a-z2-7]{26}\"}}")));
    }

    @Test
    void createKeyWithNoBodyAtAll() {
        userExists("bob");
        keyGenerated("bob", SECRET, hash("bob-0"));
        as(TestTokens.user("bob")).post(BASE + "/users/bob/keys").then().statusCode(201);
    }

    @Test
    void adminCreatesKeyForAnotherUserWithOptions() {
        String hash = hash("bob-2");
        userExists("bob", 10.0, "[\"gpt-4o\"]");
        keyGenerated("bob", SECRET, hash);
        as(TestTokens.admin("root")).body("""
                {"keyAlias":"ci","models":["gpt-4o","o3"],"maxBudget":50,"budgetDuration":"7d","duration":"30d",
                 "metadata":{"team":"platform"}}""")
                .post(BASE + "/users/bob/keys").then().statusCode(201).body("keyId", org.hamcrest.Matchers.equalTo(hash));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withHeader("litellm-changed-by", equalTo("root"))
                .withRequestBody(equalToJson("""
                        {"user_id":"bob","key_alias":"ci","models":["gpt-4o","o3"],"max_budget":50.0,
                         "budget_duration":"7d","duration":"30d",
                         "metadata":{"team":"platform","orchestrator_key_ref":"${json-unit.regex}kr_[a-z2-7]{26}"}}""")));
    }

    @Test
    void userStaysWithinOwnBudgetAndModels() {
        userExists("bob", 10.0, "[\"gpt-4o\"]");
        keyGenerated("bob", SECRET, hash("bob-3"));
        as(TestTokens.user("bob")).body("{\"maxBudget\":11}").post(BASE + "/users/bob/keys").then().statusCode(403)
                .body("message", containsString("maxBudget"));
        as(TestTokens.user("bob")).body("{\"models\":[\"o3\"]}").post(BASE + "/users/bob/keys").then().statusCode(403)
                .body("message", containsString("o3"));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
        as(TestTokens.user("bob")).body("{\"maxBudget\":10,\"models\":[\"gpt-4o\"]}").post(BASE + "/users/bob/keys")
                .then().statusCode(201);
    }

    @Test
    void createKeyValidation() {
        as(TestTokens.user("bob")).body("{\"maxBudget\":-5}").post(BASE + "/users/bob/keys").then().statusCode(400)
                .body("message", containsString("maxBudget"));
        as(TestTokens.user("bob")).body("{\"duration\":\"forever\"}").post(BASE + "/users/bob/keys").then()
                .statusCode(400).body("message", containsString("duration"));
        as(TestTokens.user("bob")).body("{\"models\":\"gpt-4o\"}").post(BASE + "/users/bob/keys").then()
                .statusCode(400).body("message", containsString("models"));
        as(TestTokens.user("bob")).body("{\"user_id\":\"alice\"}").post(BASE + "/users/bob/keys").then()
                .statusCode(400).body("message", containsString("user_id"));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void createKeyForUnknownUserIs404() {
        userUnknown("bob");
        as(TestTokens.admin("root")).body("{}").post(BASE + "/users/bob/keys").then().statusCode(404);
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void aliasTakenIsAConflict() {
        userExists("bob");
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/key/generate"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody(
                                "{\"error\":{\"message\":\"Key with alias 'ci' already exists. Unique key aliases across all keys are required.\",\"type\":\"bad_request_error\",\"param\":\"key_alias\",\"code\":\"400\"}}")));
        as(TestTokens.user("bob")).body("{\"keyAlias\":\"ci\"}").post(BASE + "/users/bob/keys").then().statusCode(409)
                .body("name", org.hamcrest.Matchers.equalTo("ConflictError"));
    }

    @Test
    void listReadsEveryPageAndShowsNoSecret() {
        String first = hash("jane-a");
        String second = hash("jane-b");
        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson("{\"keys\":[" + row(first, JANE).replace("\"team_id\":null",
                        "\"team_id\":null,\"api_key\":\"sk-leak-should-not-appear\"")
                        + "],\"total_count\":2,\"current_page\":1,\"total_pages\":2}")));
        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"keys\":[" + row(second, JANE)
                        + "],\"total_count\":2,\"current_page\":2,\"total_pages\":2}")));
        as(TestTokens.user(JANE)).get(BASE + "/users/" + JANE_PATH + "/keys").then().statusCode(200)
                .body("keys", hasSize(2))
                .body("keys.token", contains(first, second))
                .body("keys[0].key_name", org.hamcrest.Matchers.equalTo("sk-...wxyz"))
                .body("keys[0].user_id", org.hamcrest.Matchers.equalTo(JANE))
                .body("keys[0]", not(hasKey("api_key")))
                .body(not(containsString("sk-leak")));
        litellm().verify(2, getRequestedFor(urlPathEqualTo("/key/list"))
                .withQueryParam("user_id", equalTo(JANE))
                .withQueryParam("return_full_object", equalTo("true"))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY)));
    }

    @Test
    void adminListsAnotherUsersKeys() {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson(
                "{\"keys\":[" + row(hash("b"), "bob") + "],\"total_count\":1,\"current_page\":1,\"total_pages\":1}")));
        as(TestTokens.admin("root")).get(BASE + "/users/bob/keys").then().statusCode(200).body("keys", hasSize(1));
    }

    @Test
    void listNeverShowsARowOfAnotherUser() {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson("{\"keys\":[" + row(hash("b"), "bob")
                + "," + row(hash("a"), "alice") + "],\"total_count\":2,\"current_page\":1,\"total_pages\":1}")));
        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys").then().statusCode(200)
                .body("keys.user_id", contains("bob"));
    }

    @Test
    void listUpstreamFailureIs502() {
        serverError("/key/list");
        as(TestTokens.user("bob")).get(BASE + "/users/bob/keys").then().statusCode(502);
    }

    @Test
    void selfDeletesOwnKeyByEntityRef() {
        String hash = hash("jane-del");
        keyOwnedBy(hash, JANE);
        keyDeleted();
        as(TestTokens.user(JANE)).delete(BASE + "/users/" + JANE_PATH + "/keys/" + hash).then().statusCode(204);
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/key/info")).withQueryParam("key", equalTo(hash)));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY))
                .withHeader("litellm-changed-by", equalTo(JANE))
                .withRequestBody(equalToJson("{\"keys\":[\"" + hash + "\"]}")));
    }

    @Test
    void adminDeletesAnotherUsersKey() {
        String hash = hash("bob-del");
        keyOwnedBy(hash, "bob");
        keyDeleted();
        as(TestTokens.admin("root")).delete(BASE + "/users/bob/keys/" + hash).then().statusCode(204);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete")).withHeader("litellm-changed-by",
                equalTo("root")));
    }

    /** The hole in the Backstage plugin: A deleting B's key through A's own path. */
    @Test
    void deletingSomeoneElsesKeyThroughOwnPathIs404AndNeverDeletes() {
        String bobsKey = hash("bob-secret-key");
        keyOwnedBy(bobsKey, "bob");
        keyDeleted();
        as(TestTokens.user("alice")).delete(BASE + "/users/alice/keys/" + bobsKey).then().statusCode(404)
                .body("name", org.hamcrest.Matchers.equalTo("NotFoundError"));
        // an admin too must name the right owner
        as(TestTokens.admin("root")).delete(BASE + "/users/alice/keys/" + bobsKey).then().statusCode(404);
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/delete")));
    }

    @Test
    void unknownKeyIs404() {
        String hash = hash("nope");
        keyUnknown(hash);
        keyDeleted();
        as(TestTokens.user("bob")).delete(BASE + "/users/bob/keys/" + hash).then().statusCode(404);
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/delete")));
    }

    @Test
    void keyIdMustBeAHashNeverASecret() {
        as(TestTokens.user("bob")).delete(BASE + "/users/bob/keys/" + SECRET).then().statusCode(400)
                .body("message", containsString("keyId"))
                .body(not(containsString(SECRET.substring(3))));
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/key/info")));
    }

    @Test
    void deleteUpstreamFailureIs502() {
        String hash = hash("bob-500");
        keyOwnedBy(hash, "bob");
        serverError("/key/delete");
        as(TestTokens.user("bob")).delete(BASE + "/users/bob/keys/" + hash).then().statusCode(502);
        // a write is never retried once it may have reached LiteLLM
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete")));
    }
}

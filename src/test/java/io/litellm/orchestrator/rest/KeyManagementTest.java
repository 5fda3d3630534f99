package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.KeyFixtures.bodies;
import static io.litellm.orchestrator.support.KeyFixtures.calls;
import static io.litellm.orchestrator.support.KeyFixtures.error;
import static io.litellm.orchestrator.support.KeyFixtures.read;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.KEY_REF;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyUnknown;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.serverError;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.LiteLlmStubs;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** {@code PATCH /users/{userId}/keys/{keyId}} ({@code updateUserKey}) and its field policy. */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KeyManagementTest extends ApiTest {

    private static final String PATH = "/api/litellm-orchestrator/users/{userId}/keys/{keyId}";
    private static final String KEY = hash("bob-laptop");

    @BeforeEach
    void updatesSucceed() {
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + KEY + "\"}")));
        // /key/block and /key/unblock answer the whole stored row, token included
        litellm().stubFor(post(urlPathEqualTo("/key/block"))
                .willReturn(okJson(row(KEY, "bob", "{\"blocked\":true}").toString())));
        litellm().stubFor(post(urlPathEqualTo("/key/unblock"))
                .willReturn(okJson(row(KEY, "bob", "{\"blocked\":false}").toString())));
    }

    private static ValidatableResponse patch(String token, String userId, String keyId, String body) {
        return given().auth().oauth2(token).contentType("application/json").body(body)
                .when().patch(PATH, userId, keyId).then();
    }

    /** Bob's user: budget 10, may use gpt-4o and gpt-4o-mini. */
    private static void bobRestricted() {
        userExists("bob", 10.0, "[\"gpt-4o\",\"gpt-4o-mini\"]");
    }

    private static void updateSent(String body) {
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update"))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + MASTER_KEY))
                .withRequestBody(equalToJson(body, false, false)));
    }

    private static void nothingUpdated() {
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/update")));
    }

    @Test
    void selfChangesEveryFieldAllowedToThemAndGetsTheRowWithoutASecondRead() {
        bobRestricted();
        keyInfo(row(KEY, "bob", "{\"api_key\":\"sk-should-never-show\",\"updated_at\":\"2026-11-02T09:00:00Z\"}"));
        // LiteLLM answers what it wrote (update_key_fn: {"key": <as given>, **data}), not the whole row
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("""
                {"key":"%1$s","token":"%1$s","key_alias":"ci","max_budget":10.0,"budget_duration":"7d",
                 "models":["gpt-4o"],"metadata":{"team":"core"},"tpm_limit":1000,"rpm_limit":10,
                 "max_parallel_requests":2}""".formatted(KEY))));

        patch(TestTokens.user("bob"), "bob", KEY, """
                {"keyAlias":"ci","maxBudget":10,"budgetDuration":"7d","models":["gpt-4o"],"metadata":{"team":"core"},
                 "tpmLimit":1000,"rpmLimit":10,"maxParallelRequests":2,"blocked":true}""")
                .statusCode(200)
                // /key/info leaves the token out; the answer has it back, from the path
                .body("token", equalTo(KEY))
                .body("key_alias", equalTo("ci"))
                .body("max_parallel_requests", equalTo(2))
                .body("blocked", equalTo(true))
                .body("user_id", equalTo("bob"))
                .body("spend", equalTo(0.5f))
                .body("$", not(org.hamcrest.Matchers.hasKey("key")))
                .body(not(containsString("sk-should-never-show")));

        // the block first (it bites at once), then the other fields; no read-back
        assertEquals(List.of("GET /key/info?key=" + KEY, "GET /user/info?user_id=bob", "POST /key/block",
                "POST /key/update"), calls());
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/block"))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + MASTER_KEY))
                .withHeader("litellm-changed-by", WireMock.equalTo("bob"))
                .withRequestBody(equalToJson("{\"key\":\"" + KEY + "\"}")));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update"))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + MASTER_KEY))
                .withHeader("litellm-changed-by", WireMock.equalTo("bob"))
                .withRequestBody(equalToJson("""
                        {"key":"%s","key_alias":"ci","max_budget":10.0,"budget_duration":"7d","models":["gpt-4o"],
                         "metadata":{"team":"core","orchestrator_key_ref":"%s"},"tpm_limit":1000,"rpm_limit":10,
                         "max_parallel_requests":2}""".formatted(KEY, KEY_REF))));
    }

    @Test
    void aChangeNotMeasuredAgainstTheUserNeedsNoUserRead() {
        keyInfo(row(KEY, "bob", "{}"));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"keyAlias\":\"ci\",\"rpmLimit\":5}").statusCode(200)
                .body("token", equalTo(KEY));
        assertEquals(List.of("GET /key/info?key=" + KEY, "POST /key/update"), calls());
    }

    @Test
    void blockingAloneGoesThroughKeyBlockOnly() {
        keyInfo(row(KEY, "bob", "{}"));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"blocked\":true}").statusCode(200)
                .body("blocked", equalTo(true)).body("token", equalTo(KEY));
        assertEquals(List.of("GET /key/info?key=" + KEY, "POST /key/block"), calls());
    }

    @Test
    void anUnblockComesAfterTheOtherChanges() {
        keyInfo(row(KEY, "bob", "{\"blocked\":true}"));
        patch(TestTokens.admin("root"), "bob", KEY, "{\"blocked\":false,\"rpmLimit\":5}").statusCode(200)
                .body("blocked", equalTo(false));
        assertEquals(List.of("GET /key/info?key=" + KEY, "POST /key/update", "POST /key/unblock"), calls());
        updateSent("{\"key\":\"" + KEY + "\",\"rpm_limit\":5}");
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/unblock"))
                .withRequestBody(equalToJson("{\"key\":\"" + KEY + "\"}")));
    }

    @Test
    void aKeyDeletedMeanwhileIsAConflictNotAMasterKeyFailure() {
        keyInfo(row(KEY, "bob", "{}"));
        double refusedBefore = upstreamFailures("master_key_refused");
        // what update_key_fn answers when the hash is no longer in the table
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(error(401,
                "Authentication Error: invalid user key - user key does not exist in db. User Key=" + KEY)));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"keyAlias\":\"x\"}")
                .statusCode(409).body("error.name", equalTo("ConflictError"))
                .body("error.message", containsString("deleted or rotated"))
                .body(not(containsString("LITELLM_MASTER_KEY")));
        assertEquals(refusedBefore, upstreamFailures("master_key_refused"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "true", "false" })
    void aKeyDeletedBeforeABlockOrUnblockIsAConflictNotAMasterKeyFailure(String blocked) {
        keyInfo(row(KEY, "bob", "{\"blocked\":" + !Boolean.parseBoolean(blocked) + "}"));
        double refusedBefore = upstreamFailures("master_key_refused");
        String path = Boolean.parseBoolean(blocked) ? "/key/block" : "/key/unblock";
        // block_key/unblock_key: the update finds no row, then get_key_object raises LiteLLM's 401 naming the key
        litellm().stubFor(post(urlPathEqualTo(path)).willReturn(LiteLlmStubs.keyNotFoundInDb(KEY)));
        patch(TestTokens.admin("root"), "bob", KEY, "{\"blocked\":" + blocked + "}")
                .statusCode(409).body("error.name", equalTo("ConflictError"))
                .body("error.message", containsString("deleted or rotated"))
                .body(not(containsString("LITELLM_MASTER_KEY")));
        assertEquals(refusedBefore, upstreamFailures("master_key_refused"));
        litellm().verify(1, postRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void anUnknownCredentialOnBlockIsStillABadGatewayNamingIt() {
        keyInfo(row(KEY, "bob", "{}"));
        double refusedBefore = upstreamFailures("master_key_refused");
        // the same 401, naming another hash: our own credential (an admin virtual key deleted in LiteLLM)
        litellm().stubFor(post(urlPathEqualTo("/key/block")).willReturn(LiteLlmStubs.keyNotFoundInDb(hash("ours"))));
        patch(TestTokens.admin("root"), "bob", KEY, "{\"blocked\":true}")
                .statusCode(502).body("error.message", containsString("LITELLM_MASTER_KEY"));
        assertEquals(refusedBefore + 1, upstreamFailures("master_key_refused"));
    }

    @Test
    void aRefusedMasterKeyIsStillABadGatewayNamingIt() {
        keyInfo(row(KEY, "bob", "{}"));
        double refusedBefore = upstreamFailures("master_key_refused");
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(error(401,
                "Authentication Error, Invalid proxy server token passed. Received API Key = sk-...abcd")));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"keyAlias\":\"x\"}")
                .statusCode(502).body("error.message", containsString("LITELLM_MASTER_KEY"));
        assertEquals(refusedBefore + 1, upstreamFailures("master_key_refused"));
    }

    // --- metadata: LiteLLM's own controls -------------------------------------------------------------------

    private static final String CONTROLLED = """
            {"metadata":{"guardrails":["pii-mask"],"model_rpm_limit":{"gpt-4o":5},"tags":["cost-center-7"],
             "team":"old","note":"gone after the change","orchestrator_key_ref":"kr_fixturefixturefixturefixtu"}}""";

    @Test
    void aUsersMetadataChangeKeepsTheAdminsControls() {
        keyInfo(row(KEY, "bob", CONTROLLED));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"metadata\":{\"team\":\"new\"}}").statusCode(200);
        JsonNode sent = bodies("/key/update").get(0).get("metadata");
        assertEquals(read("""
                {"team":"new","guardrails":["pii-mask"],"model_rpm_limit":{"gpt-4o":5},"tags":["cost-center-7"],
                 "orchestrator_key_ref":"kr_fixturefixturefixturefixtu"}"""),
                sent);
    }

    @ParameterizedTest
    @CsvSource({ "guardrails,[]", "model_tpm_limit,{}", "tags,[]", "enforced_params,[]", "temp_budget_increase,100",
            "allowed_tools,[]", "disable_global_guardrails,true", "logging,[]" })
    void aUserMayNotSetAControlKey(String control, String value) {
        keyInfo(row(KEY, "bob", CONTROLLED));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"metadata\":{\"team\":\"x\",\"" + control + "\":" + value + "}}")
                .statusCode(403).body("error.name", equalTo("NotAllowedError"))
                .body("error.message", containsString("metadata." + control));
        nothingUpdated();
    }

    @Test
    void aUserMayNotCreateAKeyWithAControlKey() {
        userExists("bob");
        given().auth().oauth2(TestTokens.user("bob")).contentType("application/json")
                .body("{\"metadata\":{\"guardrails\":[]}}").when().post("/api/litellm-orchestrator/users/bob/keys")
                .then().statusCode(403).body("error.message", containsString("metadata.guardrails"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void anAdminsMetadataReplacesEverything() {
        keyInfo(row(KEY, "bob", CONTROLLED));
        patch(TestTokens.admin("root"), "bob", KEY, "{\"metadata\":{\"team\":\"y\",\"guardrails\":[]}}")
                .statusCode(200);
        // ... but the key's reference, which is ours
        assertEquals(read("{\"team\":\"y\",\"guardrails\":[],\"orchestrator_key_ref\":\"" + KEY_REF + "\"}"),
                bodies("/key/update").get(0).get("metadata"));
    }

    private static double upstreamFailures(String kind) {
        String metrics = given().get("/q/metrics").asString();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^orchestrator_upstream_failures_total\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            if (m.group(1).contains("kind=\"" + kind + "\"")) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    @Test
    void onlyTheGivenFieldsAreSent() {
        keyInfo(row(KEY, "bob", "{}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"rpmLimit\":5}").statusCode(200);
        updateSent("{\"key\":\"" + KEY + "\",\"rpm_limit\":5}");
    }

    @Test
    void adminMayChangeAnythingOnAnyonesKey() {
        keyInfo(row(KEY, "bob", "{\"blocked\":true,\"models\":[\"gpt-4o\"]}"));
        bobRestricted();
        patch(TestTokens.admin("alice"), "bob", KEY,
                "{\"blocked\":false,\"maxBudget\":1000,\"models\":[\"o3-pro\"]}").statusCode(200);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update"))
                .withHeader("litellm-changed-by", WireMock.equalTo("alice"))
                .withRequestBody(equalToJson("""
                        {"key":"%s","max_budget":1000.0,"models":["o3-pro"]}""".formatted(KEY))));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/unblock"))
                .withHeader("litellm-changed-by", WireMock.equalTo("alice")));
        // an admin's change is not measured against the user: no user read
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/user/info")));
    }

    @Test
    void anotherUserIsRefusedBeforeAnythingReachesLiteLlm() {
        keyInfo(row(KEY, "bob", "{}"));
        patch(TestTokens.user("carol"), "bob", KEY, "{\"keyAlias\":\"mine\"}")
                .statusCode(403).body("error.name", equalTo("NotAllowedError"));
        litellm().verify(0, anyRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Test
    void noTokenIsUnauthenticated() {
        given().contentType("application/json").body("{\"keyAlias\":\"x\"}").when().patch(PATH, "bob", KEY)
                .then().statusCode(401).body("error.name", equalTo("AuthenticationError"));
        nothingUpdated();
    }

    @Test
    void someoneElsesKeyIsNotFoundAndNotUpdated() {
        keyInfo(row(KEY, "carol", "{}"));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"keyAlias\":\"mine\"}")
                .statusCode(404).body("error.name", equalTo("NotFoundError"));
        // even an admin acting on bob cannot reach carol's key through bob's path
        patch(TestTokens.admin("alice"), "bob", KEY, "{\"keyAlias\":\"mine\"}").statusCode(404);
        nothingUpdated();
    }

    @Test
    void unknownKeyIsNotFound() {
        keyUnknown(KEY);
        patch(TestTokens.user("bob"), "bob", KEY, "{\"keyAlias\":\"x\"}").statusCode(404);
        nothingUpdated();
    }

    // --- field policy --------------------------------------------------------------------------------------

    @Test
    void aUserMayNotUnblockABlockedKey() {
        keyInfo(row(KEY, "bob", "{\"blocked\":true}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"blocked\":false}")
                .statusCode(403).body("error.message", containsString("blocked"));
        nothingUpdated();
    }

    @Test
    void blockedFalseOnAnUnblockedKeyChangesNothingAndIsAllowed() {
        keyInfo(row(KEY, "bob", "{\"blocked\":null}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"blocked\":false}").statusCode(200);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/unblock")));
        nothingUpdated();
    }

    @Test
    void aUserMayNotRaiseTheBudgetAboveTheirUsers() {
        keyInfo(row(KEY, "bob", "{}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"maxBudget\":10.01}")
                .statusCode(403).body("error.message", containsString("maxBudget"));
        nothingUpdated();
    }

    @Test
    void aUserMaySetTheBudgetUpToTheirUsers() {
        keyInfo(row(KEY, "bob", "{}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"maxBudget\":10}").statusCode(200);
        updateSent("{\"key\":\"" + KEY + "\",\"max_budget\":10.0}");
    }

    @Test
    void aUserWithoutBudgetMaySetAnyKeyBudget() {
        keyInfo(row(KEY, "bob", "{}"));
        userExists("bob", null, null);
        patch(TestTokens.user("bob"), "bob", KEY, "{\"maxBudget\":500}").statusCode(200);
        updateSent("{\"key\":\"" + KEY + "\",\"max_budget\":500.0}");
    }

    @Test
    void aUserMayNotAddAModelTheirUserMayNotUse() {
        keyInfo(row(KEY, "bob", "{\"models\":[\"gpt-4o\"]}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"models\":[\"gpt-4o\",\"o3-pro\"]}")
                .statusCode(403).body("error.message", containsString("o3-pro"));
        nothingUpdated();
    }

    @Test
    void aUserMayNotWidenARestrictedKeyToEveryModel() {
        keyInfo(row(KEY, "bob", "{\"models\":[\"gpt-4o\"]}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"models\":[]}")
                .statusCode(403).body("error.message", containsString("models"));
        nothingUpdated();
    }

    @Test
    void aUserMayKeepAModelAnAdminGaveTheKey() {
        keyInfo(row(KEY, "bob", "{\"models\":[\"o3-pro\"]}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, "{\"models\":[\"o3-pro\",\"gpt-4o-mini\"]}").statusCode(200);
        updateSent("{\"key\":\"" + KEY + "\",\"models\":[\"o3-pro\",\"gpt-4o-mini\"]}");
    }

    @Test
    void aUserWithoutModelListMayChooseAnyModel() {
        keyInfo(row(KEY, "bob", "{}"));
        userExists("bob", 10.0, null);
        patch(TestTokens.user("bob"), "bob", KEY, "{\"models\":[\"o3-pro\"]}").statusCode(200);
        updateSent("{\"key\":\"" + KEY + "\",\"models\":[\"o3-pro\"]}");
    }

    // --- input and upstream --------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                | at least one",
            "{\"maxBudget\":-1}                | maxBudget",
            "{\"budgetDuration\":\"forever\"}  | budgetDuration",
            "{\"tpmLimit\":-5}                 | tpmLimit",
            "{\"rpmLimit\":-5}                 | rpmLimit",
            "{\"maxParallelRequests\":-1}      | maxParallelRequests",
            "{\"keyAlias\":\"\"}               | keyAlias",
            "{\"models\":[\"\"]}               | models[0]",
            "{\"blocked\":\"maybe\"}           | blocked",
            "{\"key_alias\":\"x\"}             | key_alias: unknown field",
            "{\"user_id\":\"carol\"}           | user_id: unknown field",
    })
    void invalidBodiesNameTheField(String body, String expected) {
        keyInfo(row(KEY, "bob", "{}"));
        bobRestricted();
        patch(TestTokens.user("bob"), "bob", KEY, body)
                .statusCode(400).body("error.name", equalTo("InputError"))
                .body("error.message", containsString(expected));
        nothingUpdated();
    }

    @Test
    void aSecretInsteadOfAKeyIdIsRefused() {
        patch(TestTokens.user("bob"), "bob", "sk-1234567890abcdef", "{\"keyAlias\":\"x\"}")
                .statusCode(400).body("error.message", containsString("keyId"))
                .body(not(containsString("sk-1234567890abcdef")));
        litellm().verify(0, anyRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Test
    void aTakenAliasIsAConflict() {
        keyInfo(row(KEY, "bob", "{}"));
        bobRestricted();
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(error(400,
                // LiteLLM's words (key_management_endpoints.py _enforce_unique_key_alias)
                "Key with alias 'shared' already exists. Unique key aliases across all keys are required.")));
        patch(TestTokens.user("bob"), "bob", KEY, "{\"keyAlias\":\"shared\"}")
                .statusCode(409).body("error.name", equalTo("ConflictError"))
                .body("error.message", containsString("shared"));
    }

    @Test
    void upstreamFailureIsBadGateway() {
        keyInfo(row(KEY, "bob", "{}"));
        bobRestricted();
        serverError("/key/update");
        patch(TestTokens.user("bob"), "bob", KEY, "{\"keyAlias\":\"x\"}")
                .statusCode(502).body("error.name", equalTo("BadGatewayError"));
        // a write is not retried after LiteLLM answered
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update")));
    }
}

package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.hamcrest.Matchers.containsString;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code createUserKey} skips {@code /user/info} for a user LiteLLM confirmed within
 * {@code orchestrator.known-users.ttl}, unless the field policy needs the user's row; the memo forgets a user LiteLLM
 * no longer knows or that we deleted.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KnownUsersRoutesTest extends ApiTest {

    private static void createKey(String token, String userPath, String body, int status) {
        as(token).body(body).post(BASE + "/users/" + userPath + "/keys").then().statusCode(status);
    }

    @Test
    void secondKeyOfTheSameUserIsOneLiteLlmCall() {
        userExists(JANE);
        keyGenerated(JANE, "sk-memo0123456789abcd", hash("memo"));
        String jane = TestTokens.user(JANE);
        createKey(jane, JANE_PATH, "{}", 201);
        createKey(jane, JANE_PATH, "{\"keyAlias\":\"laptop\",\"metadata\":{\"team\":\"blue\"}}", 201);
        // the admin's path too
        createKey(TestTokens.admin("root"), JANE_PATH, "{\"maxBudget\":50}", 201);
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/user/info")));
        litellm().verify(3, postRequestedFor(urlPathEqualTo("/key/generate")));
        litellm().verify(4, WireMock.anyRequestedFor(WireMock.anyUrl()));
    }

    @Test
    void aKnownUserIsStillHeldToTheMetadataRules() {
        userExists(JANE);
        keyGenerated(JANE, "sk-memo0123456789abce", hash("memo2"));
        String jane = TestTokens.user(JANE);
        createKey(jane, JANE_PATH, "{}", 201);
        as(jane).body("{\"metadata\":{\"guardrails\":[\"none\"]}}").post(BASE + "/users/" + JANE_PATH + "/keys")
                .then().statusCode(403).body("error.message", containsString("metadata.guardrails"));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void aNonAdminsBudgetIsMeasuredAgainstTheUserEvenWhenKnown() {
        userExists(JANE, 10.0, null);
        keyGenerated(JANE, "sk-memo0123456789abcf", hash("memo3"));
        String jane = TestTokens.user(JANE);
        createKey(jane, JANE_PATH, "{}", 201);
        litellm().resetRequests();

        as(jane).body("{\"maxBudget\":50}").post(BASE + "/users/" + JANE_PATH + "/keys").then().statusCode(403)
                .body("error.message", containsString("maxBudget"));
        // the row was read for the check, and nothing was generated
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/user/info")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));

        // models are measured against the row as well
        as(jane).body("{\"models\":[\"gpt-4o\"]}").post(BASE + "/users/" + JANE_PATH + "/keys").then()
                .statusCode(201);
        litellm().verify(2, getRequestedFor(urlPathEqualTo("/user/info")));
    }

    @Test
    void anUnknownUserIsStillNotFoundForAnAdmin() {
        userUnknown("ghost");
        createKey(TestTokens.admin("root"), "ghost", "{}", 404);
        createKey(TestTokens.admin("root"), "ghost", "{}", 404);
        litellm().verify(2, getRequestedFor(urlPathEqualTo("/user/info")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void aUserLiteLlmNoLongerKnowsIsForgotten() {
        userExists("bob");
        keyGenerated("bob", "sk-memo0123456789abd0", hash("memo4"));
        String admin = TestTokens.admin("root");
        createKey(admin, "bob", "{}", 201);

        // deleted behind our back; a read that meets LiteLLM's "unknown" forgets the user
        litellm().resetAll();
        userUnknown("bob");
        as(admin).get(BASE + "/users/bob").then().statusCode(404);
        createKey(admin, "bob", "{}", 404);
        litellm().verify(2, getRequestedFor(urlPathEqualTo("/user/info")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void usersDeletedWithTheirWorkshopAreLookedUpAgain() {
        String attendee = WorkshopTest.user(1);
        String admin = TestTokens.admin("root");
        userExists(attendee);
        keyGenerated(attendee, "sk-memo0123456789abd1", hash("memo5"));
        createKey(admin, attendee, "{}", 201);
        createKey(admin, attendee, "{}", 201);
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/user/info")));

        WorkshopTest.allKeys(List.of(WorkshopTest.row(1)));
        litellm().stubFor(post(urlPathEqualTo("/user/delete")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{\"deleted_keys\":[]}")));
        as(admin).delete(BASE + "/workshops/llm-intro?users=true").then().statusCode(204);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/delete")));

        litellm().resetRequests();
        createKey(admin, attendee, "{}", 201);
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/user/info")));
    }

    @Test
    void usersCreatedHereAreKnown() {
        // a workshop creates its attendee's user: that user's next key needs no look-up
        WorkshopTest.salt = Long.toString(System.nanoTime(), 36);
        WorkshopTest.nobodyHasKeys();
        WorkshopTest.generates(1);
        String admin = TestTokens.admin("root");
        as(admin).body("""
                {"attendees": 1, "userPrefix": "participant", "userDomain": "workshop.example.com"}""")
                .put(BASE + "/workshops/llm-intro").then().statusCode(200);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new")));
        keyGenerated(WorkshopTest.user(1), "sk-memo0123456789abd2", hash("memo6"));
        litellm().resetRequests();
        createKey(admin, WorkshopTest.user(1), "{}", 201);
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/user/info")));

        // and so is a caller's own user created on first use
        userUnknown("carol");
        litellm().stubFor(post(urlPathEqualTo("/user/new")).willReturn(okJson("""
                {"user_id":"carol","max_budget":null,"budget_duration":null,"spend":0.0,"key":null}""")));
        keyGenerated("carol", "sk-memo0123456789abd3", hash("memo7"));
        String carol = TestTokens.user("carol");
        createKey(carol, "carol", "{}", 201);
        createKey(carol, "carol", "{}", 201);
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/user/info")));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/new")));
    }
}

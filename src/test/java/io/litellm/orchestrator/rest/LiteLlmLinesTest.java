package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.KeyFixtures.calls;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.userCreatedOnDemand;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.litellm.orchestrator.dev.LiteLlmSimulator.Line;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An unknown user as each LiteLLM release line answers it on {@code /user/info}: up to 1.80.x 200 with a placeholder
 * {@code user_info: {"spend": …}}, newer 404. Either way it is unknown, and the exact LiteLLM calls of each route.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LiteLlmLinesTest extends ApiTest {

    /**
     * These tests count LiteLLM calls exactly; a cold first request on a loaded machine can exceed the test profile's
     * short timeout and be retried, so each route is warmed up first and the record cleared.
     */
    @BeforeEach
    void warmUp() {
        userExists("warm");
        keyGenerated("warm", "sk-warm0123456789abcd", hash("warm"));
        as(TestTokens.user("warm")).get(BASE + "/users/warm");
        as(TestTokens.user("warm")).body("{}").post(BASE + "/users/warm/keys");
        litellm().resetAll();
    }

    @ParameterizedTest
    @EnumSource(Line.class)
    void createUserOfAnUnknownIdIsCreatedAndShowsItsCreationTime(Line line) {
        userCreatedOnDemand(line, "bob");
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(201)
                .body("userId", equalTo("bob"))
                // /user/new without a key answers no created_at: read back once
                .body("createdAt", equalTo("2026-11-23T10:00:00Z"));
        assertEquals(List.of("GET /user/info?user_id=bob", "POST /user/new", "GET /user/info?user_id=bob"), calls());
    }

    @ParameterizedTest
    @EnumSource(Line.class)
    void createUserOfAnExistingIdIsAConflict(Line line) {
        userExists("bob");
        as(TestTokens.user("bob")).body("{\"userId\":\"bob\"}").post(BASE + "/users").then().statusCode(409);
        assertEquals(List.of("GET /user/info?user_id=bob"), calls());
    }

    @ParameterizedTest
    @EnumSource(Line.class)
    void anAdminReadingAnUnknownIdGets404(Line line) {
        userUnknown(line, "bob");
        as(TestTokens.admin("root")).get(BASE + "/users/bob").then().statusCode(404)
                .body("error.name", equalTo("NotFoundError"));
        assertEquals(List.of("GET /user/info?user_id=bob"), calls());
    }

    @Test
    void aPlaceholderWithOrphanKeysIsStillUnknown() {
        // 1.80.x sums the spend of keys that name the id, even without a user row
        litellm().stubFor(get(urlPathEqualTo("/user/info")).willReturn(okJson("""
                {"user_id":"bob","user_info":{"spend":3.5},"keys":[{"token":"%s","user_id":"bob","spend":3.5}],
                 "teams":[]}""".formatted(hash("orphan")))));
        as(TestTokens.admin("root")).get(BASE + "/users/bob").then().statusCode(404);
    }

    @ParameterizedTest
    @EnumSource(Line.class)
    void selfReadingTheirUnknownUserCreatesIt(Line line) {
        userCreatedOnDemand(line, "bob");
        as(TestTokens.user("bob")).get(BASE + "/users/bob").then().statusCode(200)
                .body("createdAt", equalTo("2026-11-23T10:00:00Z"));
        assertEquals(List.of("GET /user/info?user_id=bob", "POST /user/new", "GET /user/info?user_id=bob"), calls());
    }

    @ParameterizedTest
    @EnumSource(Line.class)
    void anUnknownUsersFirstKeyCreatesTheUserBeforeTheKey(Line line) {
        // the field policy measures a non-admin's budget against the user: on 1.80.x the placeholder looked like a
        // user without limits, so the key was made for a user that did not exist
        userCreatedOnDemand(line, "bob");
        keyGenerated("bob", "sk-lines0123456789abcd", hash("lines"));
        as(TestTokens.user("bob")).body("{\"maxBudget\":5}").post(BASE + "/users/bob/keys").then().statusCode(201);
        assertEquals(List.of("GET /user/info?user_id=bob", "POST /user/new", "POST /key/generate"), calls());
    }

    @Test
    void aKnownUsersKeyCostsOneLookupAndOneGenerate() {
        userExists("bob");
        keyGenerated("bob", "sk-lines0123456789abcd", hash("lines"));
        as(TestTokens.user("bob")).body("{}").post(BASE + "/users/bob/keys").then().statusCode(201);
        assertEquals(List.of("GET /user/info?user_id=bob", "POST /key/generate"), calls());
    }
}

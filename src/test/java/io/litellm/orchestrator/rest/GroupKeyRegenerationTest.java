package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.litellm.orchestrator.support.KeyFixtures.bodies;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.read;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.teamExists;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.support.KeyFixtures;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code POST /groups/{groupRef}/keys/{keyId}/regenerate} ({@code regenerateGroupKey}): the personal-key rotation
 * (same claims, rules and grace period) on a team key; the copy stays a team key.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class GroupKeyRegenerationTest extends ApiTest {

    @org.junit.jupiter.api.BeforeEach
    void blockable() {
        io.litellm.orchestrator.support.LiteLlmStubs.keyBlockable();
    }


    private static String path(String keyId) {
        return BASE + "/groups/" + GroupRoutesTest.PLATFORM_PATH + "/keys/" + keyId + "/regenerate";
    }
    private static final String NEW_SECRET = "sk-NewTeamSecret0123456789ab";

    private static ObjectNode teamKey(String hash) {
        return row(hash, "x", """
                {"user_id":null,"team_id":"%s","key_alias":"ci","metadata":{"createdBy":"user:default/alice"},
                 "models":["gpt-4o"],"max_budget":5.0}""".formatted(GroupRoutesTest.PLATFORM_TEAM));
    }

    @Test
    void aMemberRotatesATeamKeyWithLiteLlmsRegeneration() {
        String oldKey = hash("team-rot-old");
        String newKey = hash("team-rot-new");
        keyInfo(teamKey(oldKey));
        KeyRegenerationTest.enterpriseRegenerates(oldKey, newKey, NEW_SECRET);

        as(GroupRoutesTest.jane()).post(path(oldKey)).then().statusCode(200)
                .body("groupRef", equalTo(GroupRoutesTest.PLATFORM))
                .body("keyId", equalTo(newKey))
                .body("keySecret", equalTo(NEW_SECRET));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate"))
                .withRequestBody(equalToJson("{\"grace_period\":\"0s\",\"blocked\":false,\"metadata\":{"
                        + "\"createdBy\":\"user:default/alice\"," + KeyFixtures.FIRST_ROTATION_STAMP + "}}", false, false)));
    }

    @Test
    void theFallbackCopyStaysATeamKeyWithoutAUser() {
        String oldKey = hash("team-copy-old");
        String newKey = hash("team-copy-new");
        keyInfo(teamKey(oldKey));
        KeyRegenerationTest.enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s","key_alias":"ci"}""".formatted(NEW_SECRET, newKey))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{\"deleted_keys\":[]}")));
        keyInfo(teamKey(newKey));

        as(GroupRoutesTest.jane()).post(path(oldKey)).then().statusCode(200)
                .body("keyId", equalTo(newKey));

        JsonNode copy = KeyRegenerationTest.asCopied(bodies("/key/generate").get(0), oldKey);
        assertEquals(GroupRoutesTest.PLATFORM_TEAM, copy.path("team_id").asText());
        assertFalse(copy.has("user_id"), "a team key's copy has no user: " + copy);
        assertEquals(read("{\"createdBy\":\"user:default/alice\"}"), copy.path("metadata"));
        assertEquals(read("{\"keys\":[\"" + oldKey + "\"]}"), bodies("/key/delete").get(0));
    }

    @Test
    void aNonMemberIsRefusedAndNothingReachesLiteLlm() {
        String oldKey = hash("team-rot-refused");
        keyInfo(teamKey(oldKey));
        as(GroupRoutesTest.bob()).post(path(oldKey)).then().statusCode(403);
        litellm().verify(0, anyRequestedFor(urlPathMatching("/key/.*")));
    }

    @Test
    void aPersonalKeyInAGroupPathIsNotFoundAndNotRotated() {
        String personal = hash("team-rot-personal");
        keyInfo(row(personal, GroupRoutesTest.PLATFORM, "{\"team_id\":\"" + GroupRoutesTest.PLATFORM_TEAM + "\"}"));
        as(GroupRoutesTest.jane()).post(path(personal)).then().statusCode(404);
        litellm().verify(0, postRequestedFor(urlPathMatching("/key/.*")));
    }

    @Test
    void aMemberStaysWithinTheTeamsBudgetOnRotation() {
        String oldKey = hash("team-rot-budget");
        keyInfo(teamKey(oldKey));
        teamExists(GroupRoutesTest.PLATFORM_TEAM, GroupRoutesTest.PLATFORM, 20.0, null);
        as(GroupRoutesTest.jane()).body("{\"maxBudget\":21}").post(path(oldKey)).then().statusCode(403)
                .body("message", org.hamcrest.Matchers.containsString("maxBudget"));
        litellm().verify(0, postRequestedFor(urlPathMatching("/key/.*")));
    }
}

package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.litellm.orchestrator.support.KeyFixtures.bodies;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyBlockable;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.teamExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.litellm.orchestrator.service.TeamService;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Self-service ceilings ({@code orchestrator.ceilings."<role>".*}; the test profile gives {@code ceiling:intern}
 * 30d / 7d by default / maxBudget 10 / tpm 1000 / rpm 60 / gpt-4o-mini, and {@code ceiling:lead} maxBudget 50 /
 * gpt-4o): each refuses one over and accepts one at the limit, on create and on rotation with changes; admins are
 * never capped; {@code GET /me} shows them. Real signed tokens carry the roles.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KeyCeilingsTest extends ApiTest {

    private static final String INTERN = "ceiling:intern";
    private static final String LEAD = "ceiling:lead";
    /** Rotations are rate limited per caller and key: every rotation here uses a key of its own. */
    private static final AtomicInteger KEYS = new AtomicInteger();

    private static String intern(String principal) {
        return TestTokens.withRoles(principal, Set.of("user", INTERN));
    }

    /** One field at the ceiling, and the same field one step over it, with the words the 403 must name. */
    static Stream<Arguments> ceilings() {
        return Stream.of(
                Arguments.of("{\"duration\":\"30d\"}", "{\"duration\":\"31d\"}", "duration", "30d"),
                Arguments.of("{\"duration\":\"720h\"}", "{\"duration\":\"721h\"}", "duration", "30d"),
                Arguments.of("{\"maxBudget\":10}", "{\"maxBudget\":10.01}", "maxBudget", "10.0"),
                Arguments.of("{\"tpmLimit\":1000}", "{\"tpmLimit\":1001}", "tpmLimit", "1000"),
                Arguments.of("{\"rpmLimit\":60}", "{\"rpmLimit\":61}", "rpmLimit", "60"),
                Arguments.of("{\"models\":[\"gpt-4o-mini\"]}", "{\"models\":[\"gpt-4o\"]}", "models", "gpt-4o-mini"));
    }

    // --- create ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "create: {2}")
    @MethodSource("ceilings")
    void createRefusesOneOverAndAcceptsOneAtTheCeiling(String atLimit, String over, String field, String ceiling) {
        userExists("ivy", 100.0, null);
        keyGenerated("ivy", "sk-IvyKey0123456789abcdef", hash("ivy-key"));

        as(intern("ivy")).body(over).post(BASE + "/users/ivy/keys").then()
                .statusCode(403)
                .body("error.name", equalTo("NotAllowedError"))
                .body("error.message", allOf(containsString(field + ":"), containsString(ceiling)));
        assertEquals(0, bodies("/key/generate").size(), "nothing is created beyond a ceiling");

        as(intern("ivy")).body(atLimit).post(BASE + "/users/ivy/keys").then().statusCode(201);
        assertEquals(1, bodies("/key/generate").size());
    }

    @Test
    void aKeyAskedWithoutLifetimeOrModelsGetsTheCeilingsDefaults() {
        userExists("ivy", 100.0, null);
        keyGenerated("ivy", "sk-IvyKey0123456789abcdef", hash("ivy-defaults"));

        as(intern("ivy")).body("{}").post(BASE + "/users/ivy/keys").then().statusCode(201);

        JsonNode sent = bodies("/key/generate").get(0);
        assertEquals("7d", sent.path("duration").asText());
        assertEquals("[\"gpt-4o-mini\"]", sent.path("models").toString());
        // budget and limits are bounded when set, not imposed
        assertFalse(sent.has("max_budget"));
    }

    @Test
    void anEmptyModelListMeansEveryModelAndIsRefusedUnderAModelCeiling() {
        userExists("ivy", 100.0, null);
        as(intern("ivy")).body("{\"models\":[]}").post(BASE + "/users/ivy/keys").then()
                .statusCode(403).body("error.message", containsString("models:"));
    }

    @Test
    void anAdminIsNeverCappedEvenWithACeilingRole() {
        userExists("ivy", null, null);
        keyGenerated("ivy", "sk-IvyKey0123456789abcdef", hash("ivy-admin"));
        String admin = TestTokens.withRoles("root", Set.of("user", "admin", INTERN));

        as(admin).body("""
                {"duration":"365d","maxBudget":1000,"tpmLimit":999999,"rpmLimit":99999,"models":["gpt-4o"]}""")
                .post(BASE + "/users/ivy/keys").then().statusCode(201);
        as(admin).body("{}").post(BASE + "/users/ivy/keys").then().statusCode(201);

        List<JsonNode> sent = bodies("/key/generate");
        assertEquals("365d", sent.get(0).path("duration").asText());
        // no default lifetime or models imposed on an admin's key
        assertFalse(sent.get(1).has("duration"));
        assertFalse(sent.get(1).has("models"));
    }

    @Test
    void aCallerWithoutACeilingRoleIsNotCapped() {
        userExists("una", null, null);
        keyGenerated("una", "sk-UnaKey0123456789abcdef", hash("una-key"));

        as(TestTokens.user("una")).body("{\"duration\":\"365d\",\"maxBudget\":1000,\"tpmLimit\":999999}")
                .post(BASE + "/users/una/keys").then().statusCode(201);
        assertFalse(bodies("/key/generate").get(0).has("models"));
    }

    @Test
    void severalRolesGetTheMostGenerousValuePerField() {
        userExists("lea", 100.0, null);
        keyGenerated("lea", "sk-LeaKey0123456789abcdef", hash("lea-key"));
        String both = TestTokens.withRoles("lea", Set.of("user", INTERN, LEAD));

        // lead's budget, the union of both model lists, intern's lifetime (lead sets none)
        as(both).body("{\"maxBudget\":50,\"models\":[\"gpt-4o\",\"gpt-4o-mini\"],\"duration\":\"30d\"}")
                .post(BASE + "/users/lea/keys").then().statusCode(201);
        as(both).body("{\"maxBudget\":50.5}").post(BASE + "/users/lea/keys").then()
                .statusCode(403).body("error.message", containsString("50.0"));
        as(both).body("{\"duration\":\"31d\"}").post(BASE + "/users/lea/keys").then().statusCode(403);
    }

    @Test
    void aGroupKeyIsHeldToTheSameCeilings() {
        String group = "group:default/interns";
        String teamId = TeamService.teamIdOf(group);
        teamExists(teamId, group, null, null);
        keyGenerated(null, "sk-GroupKey0123456789abcd", hash("group-key"));
        String member = TestTokens.withRoles("ivy", Set.of("user", INTERN, group));
        String groupPath = BASE + "/groups/group%3Adefault%2Finterns/keys";

        as(member).body("{\"rpmLimit\":61}").post(groupPath).then().statusCode(403)
                .body("error.message", containsString("rpmLimit"));
        as(member).body("{\"rpmLimit\":60}").post(groupPath).then().statusCode(201);

        JsonNode sent = bodies("/key/generate").get(0);
        assertEquals(60, sent.path("rpm_limit").asInt());
        assertEquals("7d", sent.path("duration").asText());
        assertEquals(teamId, sent.path("team_id").asText());
    }

    // --- change and rotation --------------------------------------------------------------------------

    @ParameterizedTest(name = "rotation: {2}")
    @MethodSource("ceilings")
    void rotationWithChangesRefusesOneOverAndAcceptsOneAtTheCeiling(String atLimit, String over, String field,
            String ceiling) {
        userExists("ivy", 100.0, null);
        String oldKey = hash("rot-" + KEYS.incrementAndGet());
        keyInfo(row(oldKey, "ivy", "{}"));
        keyBlockable();
        litellm().stubFor(post(urlPathMatching("/key/[0-9a-f]{64}/regenerate")).willReturn(okJson("""
                {"key":"sk-Rotated0123456789abcdef","token":"%s","user_id":"ivy"}""".formatted(hash("rotated")))));

        as(intern("ivy")).body(over).post(BASE + "/users/ivy/keys/" + oldKey + "/regenerate").then()
                .statusCode(403)
                .body("error.name", equalTo("NotAllowedError"))
                .body("error.message", allOf(containsString(field + ":"), containsString(ceiling)));
        litellm().verify(0, postRequestedFor(urlPathMatching("/key/.*/regenerate")));

        as(intern("ivy")).body(atLimit).post(BASE + "/users/ivy/keys/" + oldKey + "/regenerate").then()
                .statusCode(200);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate")));
    }

    @Test
    void aRotationAskedWithADurationSendsIt() {
        String oldKey = hash("rot-duration");
        keyInfo(row(oldKey, "ivy", "{}"));
        keyBlockable();
        litellm().stubFor(post(urlPathEqualTo("/key/" + oldKey + "/regenerate")).willReturn(okJson("""
                {"key":"sk-Rotated0123456789abcdef","token":"%s","user_id":"ivy"}""".formatted(hash("rotated-d")))));

        as(intern("ivy")).body("{\"duration\":\"14d\"}").post(BASE + "/users/ivy/keys/" + oldKey + "/regenerate")
                .then().statusCode(200);

        assertEquals("14d", bodies("/key/" + oldKey + "/regenerate").get(0).path("duration").asText());
    }

    @Test
    void aChangeBeyondACeilingIsRefusedAndOneAtItIsSent() {
        String key = hash("patch-ceiling");
        keyInfo(row(key, "ivy", "{}"));
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + key + "\"}")));

        as(intern("ivy")).body("{\"duration\":\"31d\"}").patch(BASE + "/users/ivy/keys/" + key).then()
                .statusCode(403).body("error.message", allOf(containsString("duration:"), containsString("30d")));
        as(intern("ivy")).body("{\"tpmLimit\":1001}").patch(BASE + "/users/ivy/keys/" + key).then()
                .statusCode(403).body("error.message", containsString("tpmLimit"));
        assertEquals(0, bodies("/key/update").size());

        as(intern("ivy")).body("{\"duration\":\"30d\",\"tpmLimit\":1000}").patch(BASE + "/users/ivy/keys/" + key)
                .then().statusCode(200);
        JsonNode sent = bodies("/key/update").get(0);
        assertEquals("30d", sent.path("duration").asText());
        assertEquals(1000, sent.path("tpm_limit").asInt());
    }

    @Test
    void aModelAlreadyOnTheKeyMayStayUnderAModelCeiling() {
        String key = hash("patch-kept-model");
        keyInfo(row(key, "ivy", "{\"models\":[\"gpt-4o\"]}"));
        userExists("ivy", 100.0, null);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + key + "\"}")));

        as(intern("ivy")).body("{\"models\":[\"gpt-4o\",\"gpt-4o-mini\"]}").patch(BASE + "/users/ivy/keys/" + key)
                .then().statusCode(200);
        as(intern("ivy")).body("{\"models\":[\"o1\"]}").patch(BASE + "/users/ivy/keys/" + key)
                .then().statusCode(403).body("error.message", containsString("o1"));
    }

    // --- GET /me --------------------------------------------------------------------------------------

    @Test
    void meShowsTheCallersCeilings() {
        as(intern("ivy")).get(BASE + "/me").then().statusCode(200)
                .body("ceilings.maxDuration", equalTo("30d"))
                .body("ceilings.defaultDuration", equalTo("7d"))
                .body("ceilings.maxBudget", equalTo(10.0f))
                .body("ceilings.maxTpm", equalTo(1000))
                .body("ceilings.maxRpm", equalTo(60))
                .body("ceilings.models", equalTo(List.of("gpt-4o-mini")));

        as(TestTokens.withRoles("lea", Set.of("user", INTERN, LEAD))).get(BASE + "/me").then().statusCode(200)
                .body("ceilings.maxBudget", equalTo(50.0f))
                .body("ceilings.maxDuration", equalTo("30d"))
                .body("ceilings.models", equalTo(List.of("gpt-4o-mini", "gpt-4o")));
    }

    @Test
    void meShowsNoCeilingsToAnAdminOrToACallerWithoutACeilingRole() {
        for (String token : List.of(TestTokens.withRoles("root", Set.of("user", "admin", INTERN)),
                TestTokens.user("una"))) {
            as(token).get(BASE + "/me").then().statusCode(200)
                    .body("ceilings.maxDuration", nullValue())
                    .body("ceilings.defaultDuration", nullValue())
                    .body("ceilings.maxBudget", nullValue())
                    .body("ceilings.maxTpm", nullValue())
                    .body("ceilings.maxRpm", nullValue())
                    .body("ceilings.models", nullValue());
        }
    }
}

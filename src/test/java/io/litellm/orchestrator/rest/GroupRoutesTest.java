package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyDeleted;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.teamCreated;
import static io.litellm.orchestrator.support.LiteLlmStubs.teamExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.teamRow;
import static io.litellm.orchestrator.support.LiteLlmStubs.teamUnknown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.litellm.orchestrator.service.TeamService;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.Evidence;
import io.litellm.orchestrator.support.KeyFixtures;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Group (team) routes with real signed tokens whose roles carry the group refs, LiteLLM played by WireMock.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class GroupRoutesTest extends ApiTest {

    static final String PLATFORM = "group:default/platform";
    static final String PLATFORM_PATH = "group%3Adefault%2Fplatform";
    /** grp- and the first 40 hex digits of SHA-256("group:default/platform"), computed outside the app. */
    static final String PLATFORM_TEAM = "grp-541d073f100995a6591fd00a4478b2e5099fc307";
    static final String ML_TEAM = "grp-dff7e0b799d6c42fccb6e063f241bb03cb5d2882";
    private static final String SECRET = "sk-Gr0upK3y0123456789wxyz";

    /** jane is a member of the platform group (a role from her token); bob is not. */
    static String jane() {
        return TestTokens.withRoles(JANE, Set.of("user", PLATFORM));
    }

    static String bob() {
        return TestTokens.withRoles("user:default/bob", Set.of("user", "group:default/ml"));
    }

    @Test
    void teamIdIsTheDocumentedHash() {
        assertThat(TeamService.teamIdOf(PLATFORM)).isEqualTo(PLATFORM_TEAM);
        assertThat(TeamService.teamIdOf("group:default/ml")).isEqualTo(ML_TEAM);
        assertThat(TeamService.teamIdOf("platform-team")).isEqualTo("grp-cc8815fef91171f824e61108febe48d2e7bcb141");
    }

    @Test
    void meNamesTheCallerAndTheirGroupsWithoutCallingLiteLlm() {
        as(jane()).get(BASE + "/me").then().statusCode(200)
                .body("userId", org.hamcrest.Matchers.equalTo(JANE))
                .body("admin", org.hamcrest.Matchers.equalTo(false))
                .body("groups", contains(PLATFORM, "user"));
        as(TestTokens.admin("root")).get(BASE + "/me").then().statusCode(200)
                .body("admin", org.hamcrest.Matchers.equalTo(true));
        anonymous().get(BASE + "/me").then().statusCode(401);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void memberReadsTheGroup() {
        teamExists(PLATFORM_TEAM, PLATFORM, 20.0, "[\"gpt-4o\"]");
        as(jane()).get(BASE + "/groups/" + PLATFORM_PATH).then().statusCode(200)
                .body("groupRef", org.hamcrest.Matchers.equalTo(PLATFORM))
                .body("teamId", org.hamcrest.Matchers.equalTo(PLATFORM_TEAM))
                .body("maxBudget", org.hamcrest.Matchers.equalTo(20.0f))
                .body("budgetDuration", org.hamcrest.Matchers.equalTo("30d"))
                .body("spend", org.hamcrest.Matchers.equalTo(3.5f))
                .body("models", contains("gpt-4o"));
        litellm().verify(getRequestedFor(urlPathEqualTo("/team/info")).withQueryParam("team_id", equalTo(PLATFORM_TEAM))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY)));
    }

    @Test
    void membersFirstUseCreatesTheTeam() {
        teamUnknown(PLATFORM_TEAM);
        teamCreated(PLATFORM_TEAM, PLATFORM);
        // after creation, /team/info knows it
        litellm().stubFor(post(urlPathEqualTo("/team/new")).inScenario("team").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("created")
                .willReturn(okJson("{\"team_id\":\"" + PLATFORM_TEAM + "\",\"team_alias\":\"" + PLATFORM + "\"}")));
        litellm().stubFor(get(urlPathEqualTo("/team/info")).inScenario("team").whenScenarioStateIs("created")
                .willReturn(okJson("{\"team_id\":\"" + PLATFORM_TEAM + "\",\"team_info\":{\"team_id\":\""
                        + PLATFORM_TEAM + "\",\"team_alias\":\"" + PLATFORM
                        + "\",\"max_budget\":null,\"budget_duration\":null,\"spend\":0.0,\"models\":[]},"
                        + "\"keys\":[],\"team_memberships\":[]}")));

        as(jane()).get(BASE + "/groups/" + PLATFORM_PATH).then().statusCode(200)
                .body("teamId", org.hamcrest.Matchers.equalTo(PLATFORM_TEAM))
                .body("spend", org.hamcrest.Matchers.equalTo(0.0f));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/team/new"))
                .withHeader("litellm-changed-by", equalTo(JANE))
                .withRequestBody(equalToJson("""
                        {"team_id":"%s","team_alias":"%s","metadata":{"groupRef":"%s","createdBy":"%s"}}"""
                        .formatted(PLATFORM_TEAM, PLATFORM, PLATFORM, JANE))));
    }

    @Test
    void anAdminWhoIsNoMemberCreatesNoTeam() {
        teamUnknown(ML_TEAM);
        as(TestTokens.admin("root")).get(BASE + "/groups/group%3Adefault%2Fml").then().statusCode(404)
                .body("name", org.hamcrest.Matchers.equalTo("NotFoundError"));
        litellm().verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void memberCreatesATeamKeyWithNoUserAndThemAsCreator() {
        String hash = hash("platform-ci");
        teamExists(PLATFORM_TEAM, PLATFORM, null, null);
        keyGenerated("null", SECRET, hash);
        as(jane()).body("{\"keyAlias\":\"ci\",\"metadata\":{\"pipeline\":\"deploy\",\"createdBy\":\"someone-else\"}}")
                .post(BASE + "/groups/" + PLATFORM_PATH + "/keys").then().statusCode(201)
                .body("groupRef", org.hamcrest.Matchers.equalTo(PLATFORM))
                .body("keyId", org.hamcrest.Matchers.equalTo(hash))
                .body("keySecret", org.hamcrest.Matchers.equalTo(SECRET));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withHeader("litellm-changed-by", equalTo(JANE))
                .withRequestBody(equalToJson("""
                        {"team_id":"%s","key_alias":"ci","metadata":{"pipeline":"deploy","createdBy":"%s",
                         "orchestrator_key_ref":"${json-unit.regex}kr_[a-z2-7]{26}"}}"""
                        .formatted(PLATFORM_TEAM, JANE))));
        JsonNode sent = KeyFixtures.bodies("/key/generate").get(0);
        assertThat(sent.has("user_id")).as("a team key has no user").isFalse();
    }

    @Test
    void memberMayNotPutLiteLlmControlsOrOurMarksIntoANewTeamKeysMetadata() {
        teamExists(PLATFORM_TEAM, PLATFORM, null, null);
        keyGenerated("null", SECRET, hash("controls"));
        as(jane()).body("{\"metadata\":{\"guardrails\":[\"none\"]}}").post(BASE + "/groups/" + PLATFORM_PATH + "/keys")
                .then().statusCode(403).body("message", containsString("metadata.guardrails"));
        as(jane()).body("{\"metadata\":{\"orchestrator_key_ref\":\"kr_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}}")
                .post(BASE + "/groups/" + PLATFORM_PATH + "/keys")
                .then().statusCode(403).body("message", containsString("metadata.orchestrator_key_ref"));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void memberStaysWithinTheTeamsLimitsAdminMayNot() {
        teamExists(PLATFORM_TEAM, PLATFORM, 20.0, "[\"gpt-4o\"]");
        keyGenerated("null", SECRET, hash("limits"));
        as(jane()).body("{\"maxBudget\":25}").post(BASE + "/groups/" + PLATFORM_PATH + "/keys").then()
                .statusCode(403).body("message", containsString("maxBudget"));
        as(jane()).body("{\"models\":[\"o3\"]}").post(BASE + "/groups/" + PLATFORM_PATH + "/keys").then()
                .statusCode(403).body("message", containsString("o3"));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
        as(jane()).body("{\"maxBudget\":20,\"models\":[\"gpt-4o\"]}").post(BASE + "/groups/" + PLATFORM_PATH + "/keys")
                .then().statusCode(201);
        as(TestTokens.admin("root")).body("{\"maxBudget\":25}").post(BASE + "/groups/" + PLATFORM_PATH + "/keys")
                .then().statusCode(201);
        litellm().verify(2, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void listShowsTheTeamsKeysOnlyWithoutSecrets() {
        String mine = hash("team-a");
        String stray = hash("team-b");
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson("{\"keys\":["
                + teamRow(mine, PLATFORM_TEAM, JANE).replace("\"token\"", "\"key\":\"sk-leak0123456789\",\"token\"")
                + "," + teamRow(stray, ML_TEAM, "bob")
                + "],\"total_count\":2,\"current_page\":1,\"total_pages\":1}")));
        as(jane()).get(BASE + "/groups/" + PLATFORM_PATH + "/keys").then().statusCode(200)
                .body("keys", hasSize(1))
                .body("keys[0].token", org.hamcrest.Matchers.equalTo(mine))
                .body("keys[0]", not(hasKey("key")))
                .body("keys[0].metadata.createdBy", org.hamcrest.Matchers.equalTo(JANE));
        litellm().verify(getRequestedFor(urlPathEqualTo("/key/list")).withQueryParam("team_id", equalTo(PLATFORM_TEAM))
                .withQueryParam("return_full_object", equalTo("true")));
    }

    @Test
    void memberUpdatesATeamKeyAndTheCreatorStays() {
        String key = hash("team-upd");
        KeyFixtures.keyInfo(KeyFixtures.row(key, "x", "{\"user_id\":null,\"team_id\":\"" + PLATFORM_TEAM
                + "\",\"metadata\":{\"createdBy\":\"user:default/alice\"}}"));
        teamExists(PLATFORM_TEAM, PLATFORM, 20.0, null);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + key + "\"}")));
        as(jane()).body("{\"keyAlias\":\"deploy\",\"metadata\":{\"pipeline\":\"deploy\"}}")
                .patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then().statusCode(200)
                .body("token", org.hamcrest.Matchers.equalTo(key));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update"))
                .withHeader("litellm-changed-by", equalTo(JANE))
                .withRequestBody(equalToJson("""
                        {"key":"%s","key_alias":"deploy","metadata":{"pipeline":"deploy","createdBy":"user:default/alice",
                         "orchestrator_key_ref":"${json-unit.regex}kr_[a-z2-7]{26}"}}"""
                        .formatted(key))));
        // alias and metadata are not measured against the team: its row is not read
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/team/info")));
        as(jane()).body("{\"maxBudget\":21}").patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then()
                .statusCode(403).body("message", containsString("maxBudget"));
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/team/info")));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update")));
    }

    @Test
    void aMembersMetadataChangeKeepsTheAdminsControlsAndMayNotSetThem() {
        String key = hash("team-controls");
        KeyFixtures.keyInfo(KeyFixtures.row(key, "x", "{\"user_id\":null,\"team_id\":\"" + PLATFORM_TEAM
                + "\",\"metadata\":{\"createdBy\":\"user:default/alice\",\"guardrails\":[\"pii-mask\"]}}"));
        teamExists(PLATFORM_TEAM, PLATFORM, 20.0, null);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + key + "\"}")));
        as(jane()).body("{\"metadata\":{\"pipeline\":\"deploy\"}}")
                .patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then().statusCode(200);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update")).withRequestBody(equalToJson("""
                {"key":"%s","metadata":{"pipeline":"deploy","createdBy":"user:default/alice","guardrails":["pii-mask"],
                 "orchestrator_key_ref":"${json-unit.regex}kr_[a-z2-7]{26}"}}"""
                .formatted(key))));

        as(jane()).body("{\"metadata\":{\"guardrails\":[]}}")
                .patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then().statusCode(403)
                .body("message", containsString("metadata.guardrails"));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update")));
    }

    @Test
    void aMemberBlockGoesThroughKeyBlock() {
        String key = hash("team-block");
        KeyFixtures.keyInfo(KeyFixtures.row(key, "x", "{\"user_id\":null,\"team_id\":\"" + PLATFORM_TEAM + "\"}"));
        teamExists(PLATFORM_TEAM, PLATFORM, 20.0, null);
        litellm().stubFor(post(urlPathEqualTo("/key/block")).willReturn(okJson("{\"blocked\":true}")));
        as(jane()).body("{\"blocked\":true}").patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then()
                .statusCode(200).body("blocked", org.hamcrest.Matchers.equalTo(true))
                .body("token", org.hamcrest.Matchers.equalTo(key));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/block"))
                .withRequestBody(equalToJson("{\"key\":\"" + key + "\"}")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/update")));
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/team/info")));
    }

    @Test
    void aMemberMayNotUnblockATeamKey() {
        String key = hash("team-unblock");
        KeyFixtures.keyInfo(KeyFixtures.row(key, "x", "{\"user_id\":null,\"team_id\":\"" + PLATFORM_TEAM
                + "\",\"blocked\":true}"));
        teamExists(PLATFORM_TEAM, PLATFORM, 20.0, null);
        as(jane()).body("{\"blocked\":false}").patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then()
                .statusCode(403).body("message", containsString("unblock"));
        litellm().verify(0, postRequestedFor(anyUrl()));
        litellm().verify(0, getRequestedFor(urlPathEqualTo("/team/info")));
    }

    @Test
    void memberDeletesATeamKey() {
        String key = hash("team-del");
        KeyFixtures.keyInfo(KeyFixtures.row(key, "x", "{\"user_id\":null,\"team_id\":\"" + PLATFORM_TEAM + "\"}"));
        keyDeleted();
        as(jane()).delete(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then().statusCode(204);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withHeader("litellm-changed-by", equalTo(JANE))
                .withRequestBody(equalToJson("{\"keys\":[\"" + key + "\"]}")));
    }

    @Test
    void onlyAnAdminChangesTheGroup() {
        teamExists(PLATFORM_TEAM, PLATFORM, 20.0, null);
        litellm().stubFor(post(urlPathEqualTo("/team/update")).willReturn(okJson("{\"team_id\":\"" + PLATFORM_TEAM
                + "\",\"data\":{}}")));
        as(jane()).body("{\"maxBudget\":100}").patch(BASE + "/groups/" + PLATFORM_PATH).then().statusCode(403)
                .body("name", org.hamcrest.Matchers.equalTo("NotAllowedError"));
        litellm().verify(0, postRequestedFor(anyUrl()));
        as(TestTokens.admin("root")).body("{\"maxBudget\":100,\"budgetDuration\":\"1mo\",\"models\":[\"gpt-4o\"]}")
                .patch(BASE + "/groups/" + PLATFORM_PATH).then().statusCode(200)
                .body("groupRef", org.hamcrest.Matchers.equalTo(PLATFORM));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/team/update"))
                .withHeader("litellm-changed-by", equalTo("root"))
                .withRequestBody(equalToJson("""
                        {"team_id":"%s","max_budget":100.0,"budget_duration":"1mo","models":["gpt-4o"]}"""
                        .formatted(PLATFORM_TEAM))));
        // this answer carries no row: the team is read back once
        litellm().verify(1, getRequestedFor(urlPathEqualTo("/team/info")));
        as(TestTokens.admin("root")).body("{}").patch(BASE + "/groups/" + PLATFORM_PATH).then().statusCode(400);
        as(TestTokens.admin("root")).body("{\"maxBudget\":-1}").patch(BASE + "/groups/" + PLATFORM_PATH).then()
                .statusCode(400).body("message", containsString("maxBudget"));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/team/update")));
    }

    @Test
    void anAdminsGroupChangeIsOneCall() {
        litellm().stubFor(post(urlPathEqualTo("/team/update")).willReturn(okJson("""
                {"team_id":"%1$s","data":{"team_id":"%1$s","team_alias":"%2$s","max_budget":100.0,
                 "budget_duration":"1mo","models":["gpt-4o"],"spend":3.5,"blocked":false,"metadata":{}}}"""
                .formatted(PLATFORM_TEAM, PLATFORM))));
        as(TestTokens.admin("root")).body("{\"maxBudget\":100,\"budgetDuration\":\"1mo\",\"models\":[\"gpt-4o\"]}")
                .patch(BASE + "/groups/" + PLATFORM_PATH).then().statusCode(200)
                .body("maxBudget", org.hamcrest.Matchers.equalTo(100.0f))
                .body("budgetDuration", org.hamcrest.Matchers.equalTo("1mo"))
                .body("models", contains("gpt-4o")).body("spend", org.hamcrest.Matchers.equalTo(3.5f));
        litellm().verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void changingAGroupWithoutATeamIsNotFound() {
        // /team/update refuses an unknown team (FastAPI's detail form); it never creates one
        litellm().stubFor(post(urlPathEqualTo("/team/update")).willReturn(com.github.tomakehurst.wiremock.client.WireMock
                .aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"detail\":{\"error\":\"Team not found, passed team_id=" + PLATFORM_TEAM + "\"}}")));
        as(TestTokens.admin("root")).body("{\"maxBudget\":100}").patch(BASE + "/groups/" + PLATFORM_PATH).then()
                .statusCode(404).body("name", org.hamcrest.Matchers.equalTo("NotFoundError"))
                .body("message", containsString(PLATFORM));
        litellm().verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void auditNamesTheGroupAndHowTheCallerActed() {
        teamExists(PLATFORM_TEAM, PLATFORM, null, null);
        String hash = hash("audited");
        keyGenerated("null", SECRET, hash);
        int before = Evidence.logLines().size();
        as(jane()).body("{}").post(BASE + "/groups/" + PLATFORM_PATH + "/keys").then().statusCode(201);
        as(bob()).body("{}").post(BASE + "/groups/" + PLATFORM_PATH + "/keys").then().statusCode(403);
        List<String> lines = Evidence.logLines();
        List<String> audit = lines.subList(before, lines.size()).stream().filter(l -> l.startsWith("audit ")).toList();
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0)).contains("operation=createGroupKey caller=" + JANE + " actingAs=member targetUser="
                + PLATFORM + " targetKey=" + hash + " outcome=success").doesNotContain(SECRET);
        assertThat(audit.get(1)).contains("operation=createGroupKey caller=user:default/bob actingAs=other")
                .contains("outcome=NotAllowedError");
    }

    // --- attacks: none may change anything in LiteLLM ---

    static Stream<Arguments> routes() {
        String key = hash("platform-key");
        String g = BASE + "/groups/" + PLATFORM_PATH;
        return Stream.of(
                route("getGroup", r -> r.get(g)),
                route("updateGroup", r -> r.body("{\"maxBudget\":1}").patch(g)),
                route("getGroupKeys", r -> r.get(g + "/keys")),
                route("createGroupKey", r -> r.body("{}").post(g + "/keys")),
                route("updateGroupKey", r -> r.body("{\"keyAlias\":\"x\"}").patch(g + "/keys/" + key)),
                route("deleteGroupKey", r -> r.delete(g + "/keys/" + key)));
    }

    private static Arguments route(String name, Function<RequestSpecification, Response> call) {
        return Arguments.of(name, call);
    }

    @ParameterizedTest(name = "{0}: no token → 401")
    @MethodSource("routes")
    void noToken(String name, Function<RequestSpecification, Response> call) {
        call.apply(anonymous()).then().statusCode(401).body("name", org.hamcrest.Matchers.equalTo("AuthenticationError"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "{0}: non-member → 403")
    @MethodSource("routes")
    void nonMember(String name, Function<RequestSpecification, Response> call) {
        call.apply(as(bob())).then().statusCode(403).body("name", org.hamcrest.Matchers.equalTo("NotAllowedError"));
        // a near-miss role (case, missing namespace) is no membership either
        call.apply(as(TestTokens.withRoles("eve", Set.of("group:default/Platform", "platform")))).then().statusCode(403);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anotherTeamsKeyIs404AndNothingChanges() {
        String key = hash("ml-key");
        KeyFixtures.keyInfo(KeyFixtures.row(key, "x", "{\"user_id\":null,\"team_id\":\"" + ML_TEAM + "\"}"));
        teamExists(PLATFORM_TEAM, PLATFORM, null, null);
        as(jane()).body("{\"keyAlias\":\"mine\"}").patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then()
                .statusCode(404).body("name", org.hamcrest.Matchers.equalTo("NotFoundError"));
        as(jane()).delete(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then().statusCode(404);
        litellm().verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void aPersonalKeyInAGroupPathIs404AndNothingChanges() {
        String personal = hash("jane-personal");
        KeyFixtures.keyInfo(KeyFixtures.row(personal, JANE, "{}"));
        // a key of a person that merely carries the team id is still theirs, not the group's
        String inTeam = hash("jane-in-team");
        KeyFixtures.keyInfo(KeyFixtures.row(inTeam, JANE, "{\"team_id\":\"" + PLATFORM_TEAM + "\"}"));
        teamExists(PLATFORM_TEAM, PLATFORM, null, null);
        for (String key : List.of(personal, inTeam)) {
            as(jane()).body("{\"keyAlias\":\"x\"}").patch(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then()
                    .statusCode(404);
            as(TestTokens.admin("root")).delete(BASE + "/groups/" + PLATFORM_PATH + "/keys/" + key).then()
                    .statusCode(404);
        }
        litellm().verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void aSecretInsteadOfAKeyIdIsRefusedBeforeLiteLlm() {
        as(jane()).delete(BASE + "/groups/" + PLATFORM_PATH + "/keys/sk-AbCdEf0123456789").then().statusCode(400)
                .body("message", containsString("keyId"));
        litellm().verify(0, anyRequestedFor(urlPathMatching(".*")));
    }
}

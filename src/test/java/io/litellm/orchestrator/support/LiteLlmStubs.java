package io.litellm.orchestrator.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.util.HexFormat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.litellm.orchestrator.dev.LiteLlmSimulator.Line;

/**
 * LiteLLM's answers, in LiteLLM's shapes, for the WireMock stand-in: the newest release line by default, the
 * 1.80.x answers where they differ when {@link #line()} says so.
 */
public final class LiteLlmStubs {

    public static final String MASTER_KEY = "sk-test-master-9f8e7d6c5b4a";
    /** The stable reference (metadata.orchestrator_key_ref) of the fixture keys: keys made through us have one. */
    public static final String KEY_REF = "kr_fixturefixturefixturefixtu";

    private LiteLlmStubs() {
    }

    public static WireMockServer litellm() {
        return LiteLlmAndIdpResource.litellm();
    }

    /** A realistic token hash (64 hex characters) derived from a seed. */
    public static String hash(String seed) {
        byte[] bytes = new byte[32];
        byte[] s = seed.getBytes();
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (s[i % s.length] * 31 + i);
        }
        return HexFormat.of().formatHex(bytes);
    }

    public static void userExists(String userId, Double maxBudget, String models) {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).withQueryParam("user_id", equalTo(userId))
                .willReturn(okJson("""
                        {"user_id":"%1$s","user_info":{"user_id":"%1$s","max_budget":%2$s,"spend":1.25,
                         "budget_duration":"30d","created_at":"2026-11-01T10:00:00Z","models":%3$s,
                         "user_role":"internal_user"},"keys":[],"teams":[]}
                        """.formatted(userId, maxBudget, models == null ? "[]" : models))));
    }

    public static void userExists(String userId) {
        userExists(userId, 10.0, null);
    }

    /**
     * The release line the stubs answer like where LiteLLM's answers differ; {@code -Dstubs.litellm-line=V1_80} runs the
     * suite against the 1.80.x answers. Tests that must cover both pass a line explicitly.
     */
    public static Line line() {
        return Line.valueOf(System.getProperty("stubs.litellm-line", Line.CURRENT.name()));
    }

    /** LiteLLM's answer for an unknown id on {@link #line()}. */
    public static void userUnknown(String userId) {
        userUnknown(line(), userId);
    }

    /**
     * LiteLLM's answer for an unknown id: up to 1.80.x 200 with a placeholder {@code user_info} that has only the
     * spend of keys naming the id (no user_id, no created_at); newer releases 404 "User X not found".
     */
    public static void userUnknown(Line line, String userId) {
        litellm().stubFor(get(urlPathEqualTo("/user/info")).withQueryParam("user_id", equalTo(userId))
                .willReturn(unknownUser(line, userId)));
    }

    public static ResponseDefinitionBuilder unknownUser(Line line, String userId) {
        if (line == Line.V1_80) {
            return okJson("""
                    {"user_id":"%s","user_info":{"spend":0.0},"keys":[],"teams":[]}
                    """.formatted(userId));
        }
        return aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody("""
                {"error":{"message":"User %s not found","type":"internal_server_error","param":"None","code":"404"}}
                """.formatted(userId));
    }

    /**
     * {@code /user/new} with {@code auto_create_key: false}: LiteLLM answers the fields it was given, with no key and
     * no {@code created_at}.
     */
    public static void userCreated(String userId) {
        litellm().stubFor(post(urlPathEqualTo("/user/new")).willReturn(okJson(newUserAnswer(userId))));
    }

    private static String newUserAnswer(String userId) {
        return """
                {"user_id":"%s","max_budget":null,"budget_duration":null,"spend":0.0,"key":null,"models":[],
                 "user_role":null,"teams":null,"user_email":null}
                """.formatted(userId);
    }

    /**
     * A user that does not exist until {@code /user/new} creates it: {@code /user/info} answers as {@code line} does
     * for an unknown id, then the row (created 2026-11-23T10:00:00Z).
     */
    public static void userCreatedOnDemand(Line line, String userId) {
        String scenario = "user " + userId;
        litellm().stubFor(get(urlPathEqualTo("/user/info")).withQueryParam("user_id", equalTo(userId))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willReturn(unknownUser(line, userId)));
        litellm().stubFor(post(urlPathEqualTo("/user/new")).inScenario(scenario)
                .willReturn(okJson(newUserAnswer(userId))).willSetStateTo("created"));
        litellm().stubFor(get(urlPathEqualTo("/user/info")).withQueryParam("user_id", equalTo(userId))
                .inScenario(scenario).whenScenarioStateIs("created").willReturn(okJson("""
                        {"user_id":"%1$s","user_info":{"user_id":"%1$s","max_budget":null,"spend":0.0,
                         "budget_duration":null,"created_at":"2026-11-23T10:00:00Z","models":[],
                         "user_role":"internal_user"},"keys":[],"teams":[]}
                        """.formatted(userId))));
    }

    public static void keyGenerated(String userId, String secret, String hash) {
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s","token_id":"%s","user_id":"%s","key_alias":null,"expires":null,
                 "key_name":"sk-...%s"}
                """.formatted(secret, hash, hash, userId, secret.substring(secret.length() - 4)))));
    }

    /** {@code /key/info} of a key owned by {@code userId}; like LiteLLM, the row in {@code info} has no token. */
    public static void keyOwnedBy(String hash, String userId) {
        litellm().stubFor(get(urlPathEqualTo("/key/info")).withQueryParam("key", equalTo(hash))
                .willReturn(okJson("""
                        {"key":"%1$s","info":{"key_name":"sk-...abcd","key_alias":"laptop",
                         "user_id":"%2$s","spend":0.5,"max_budget":5.0,"models":[],"blocked":null,
                         "metadata":{"orchestrator_key_ref":"%3$s"},"created_at":"2026-11-02T09:00:00Z","expires":null}}
                        """.formatted(hash, userId, KEY_REF))));
    }

    public static void keyUnknown(String hash) {
        litellm().stubFor(get(urlPathEqualTo("/key/info")).withQueryParam("key", equalTo(hash))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody("""
                        {"error":{"message":"Key not found in database","type":"not_found","param":"key","code":"404"}}
                        """)));
    }

    /**
     * LiteLLM's answer when a key hash has no row where its auth looks keys up (auth_checks.get_key_object): 401, type
     * {@code token_not_found_in_db}. {@code /key/block} and {@code /key/unblock} of a key deleted meanwhile give it
     * naming that key; any call made with an unknown credential gives it naming the credential's hash.
     */
    public static ResponseDefinitionBuilder keyNotFoundInDb(String hash) {
        return aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody("""
                {"error":{"message":"Authentication Error, Invalid proxy server token passed. key=%s, not found in db. \
                Create key via `/key/generate` call.","type":"token_not_found_in_db","param":"key","code":"401"}}
                """.formatted(hash));
    }

    /**
     * LiteLLM's {@code /key/list} declares {@code size: int = Query(10, ge=1, le=100)}: any other size is FastAPI's 422,
     * whatever a test stubbed for the path. Installed before every API test (highest priority).
     */
    public static void keyListSizeCap() {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).atPriority(1)
                .withQueryParam("size", matching("^(0|-.*|10[1-9]|1[1-9][0-9]|[2-9][0-9]{2}|[0-9]{4,})$"))
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json").withBody("""
                        {"detail":[{"type":"less_than_equal","loc":["query","size"],\
                        "msg":"Input should be less than or equal to 100","input":"101","ctx":{"le":100}}]}
                        """)));
    }

    /** LiteLLM's {@code /health/readiness} reporting {@code version}. */
    public static void readiness(String version) {
        litellm().stubFor(get(urlPathEqualTo("/health/readiness")).willReturn(okJson("""
                {"status":"healthy","db":"connected","cache":null,"litellm_version":"%s","success_callbacks":[]}
                """.formatted(version))));
    }

    /**
     * {@code /key/info} without {@code key} made with the master key: info_key_fn looks up the caller's own key, and the
     * master key has no row.
     */
    public static void ownCredentialIsMasterKey() {
        litellm().stubFor(get(urlPathEqualTo("/key/info")).withQueryParam("key", absent())
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody("""
                        {"error":{"message":"Key not found in database","type":"not_found","param":"key","code":"404"}}
                        """)));
    }

    /**
     * {@code /key/info} without {@code key} made with a virtual key: the caller's own row (a proxy admin's key), with
     * {@code metadata} (a JSON object) and {@code teamId} (or null).
     */
    public static void ownCredentialIsVirtualKey(String hash, String metadata, String teamId) {
        litellm().stubFor(get(urlPathEqualTo("/key/info")).withQueryParam("key", absent())
                .willReturn(okJson("""
                        {"key":"%1$s","info":{"key_name":"sk-...adm1","key_alias":"litellm-orchestrator",
                         "user_id":"orchestrator-admin","team_id":%2$s,"spend":0.0,"max_budget":null,"models":[],
                         "blocked":null,"metadata":%3$s,"created_at":"2026-11-02T09:00:00Z","expires":null}}
                        """.formatted(hash, teamId == null ? "null" : "\"" + teamId + "\"", metadata))));
    }

    public static void keyDeleted() {
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{\"deleted_keys\":[\"x\"]}")));
    }

    public static String row(String hash, String userId) {
        return """
                {"token":"%1$s","key_name":"sk-...wxyz","key_alias":"alias-%2$s","spend":0.25,"max_budget":null,
                 "expires":null,"models":[],"user_id":"%3$s","created_at":"2026-11-02T09:00:00Z","blocked":null,
                 "metadata":{"orchestrator_key_ref":"%4$s"},"team_id":null}
                """.formatted(hash, hash.substring(0, 6), userId, KEY_REF);
    }

    public static void serverError(String path) {
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Internal Server Error\",\"type\":\"internal_server_error\","
                                + "\"param\":null,\"code\":\"500\"}}")));
    }
    /** {@code /team/info} of a team (v1.80's {@code TeamInfoResponseObject}); {@code models} is a JSON array. */
    public static void teamExists(String teamId, String alias, Double maxBudget, String models) {
        litellm().stubFor(get(urlPathEqualTo("/team/info")).withQueryParam("team_id", equalTo(teamId))
                .willReturn(okJson("""
                        {"team_id":"%1$s","team_info":{"team_alias":"%2$s","team_id":"%1$s","organization_id":null,
                         "admins":[],"members":[],"members_with_roles":[{"user_id":"default_user_id","user_email":null,
                         "role":"admin"}],"metadata":{"groupRef":"%2$s"},"tpm_limit":null,"rpm_limit":null,
                         "max_budget":%3$s,"budget_duration":"30d","models":%4$s,"blocked":false,"spend":3.5,
                         "max_parallel_requests":null,"budget_reset_at":"2026-12-01T00:00:00Z","model_id":null,
                         "litellm_model_table":null,"created_at":"2026-11-01T10:00:00Z"},
                         "keys":[],"team_memberships":[]}
                        """.formatted(teamId, alias, maxBudget, models == null ? "[]" : models))));
    }

    /** LiteLLM's answer for an unknown team: 404, the detail wrapped by its ProxyException. */
    public static void teamUnknown(String teamId) {
        litellm().stubFor(get(urlPathEqualTo("/team/info")).withQueryParam("team_id", equalTo(teamId))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody("""
                        {"error":{"message":"{'message': 'Team not found, passed team id: %s.'}","type":"auth_error",
                         "param":"None","code":"404"}}
                        """.formatted(teamId))));
    }

    /** {@code /team/new} answers the created {@code LiteLLM_TeamTable} row. */
    public static void teamCreated(String teamId, String alias) {
        litellm().stubFor(post(urlPathEqualTo("/team/new")).willReturn(okJson("""
                {"team_alias":"%2$s","team_id":"%1$s","organization_id":null,"admins":[],"members":[],
                 "members_with_roles":[{"user_id":"default_user_id","user_email":null,"role":"admin"}],
                 "metadata":{"groupRef":"%2$s"},"tpm_limit":null,"rpm_limit":null,"max_budget":null,
                 "budget_duration":null,"models":[],"blocked":false,"spend":0.0,"max_parallel_requests":null,
                 "budget_reset_at":null,"model_id":null,"litellm_model_table":null,"created_at":"2026-11-23T10:00:00Z"}
                """.formatted(teamId, alias))));
    }

    /** A key row of a team: {@code user_id} null, created by {@code creator}. */
    public static String teamRow(String hash, String teamId, String creator) {
        return """
                {"token":"%1$s","key_name":"sk-...wxyz","key_alias":"ci-%2$s","spend":0.25,"max_budget":null,
                 "expires":null,"models":[],"user_id":null,"team_id":"%3$s","created_at":"2026-11-02T09:00:00Z",
                 "blocked":null,"metadata":{"createdBy":"%4$s","orchestrator_key_ref":"%5$s"}}
                """.formatted(hash, hash.substring(0, 6), teamId, creator, KEY_REF);
    }

    /**
     * {@code /key/block} and {@code /key/unblock} answer the row. LiteLLM rewrites its cached key row under the real
     * hash on these (unlike /key/update and regenerate, which evict sha256 of the hash they are given): a rotation
     * blocks the old key first so the old secret is refused at once.
     */
    public static void keyBlockable() {
        litellm().stubFor(post(urlPathEqualTo("/key/block")).willReturn(okJson("{\"blocked\":true}")));
        litellm().stubFor(post(urlPathEqualTo("/key/unblock")).willReturn(okJson("{\"blocked\":false}")));
    }
}

package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.KeyFixtures.FIRST_ROTATION_STAMP;
import static io.litellm.orchestrator.support.KeyFixtures.bodies;
import static io.litellm.orchestrator.support.KeyFixtures.calls;
import static io.litellm.orchestrator.support.KeyFixtures.error;
import static io.litellm.orchestrator.support.KeyFixtures.keyInfo;
import static io.litellm.orchestrator.support.KeyFixtures.read;
import static io.litellm.orchestrator.support.KeyFixtures.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyUnknown;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.litellm.orchestrator.support.KeyFixtures;
import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * {@code POST /users/{userId}/keys/{keyId}/regenerate} ({@code regenerateUserKey}): LiteLLM's own regeneration,
 * the create-and-delete fallback for open-source LiteLLM, its undo, and the rate limit. Every test uses its own key
 * ids, because the rate limit counts per caller and key for the life of the application.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KeyRegenerationTest extends ApiTest {

    @org.junit.jupiter.api.BeforeEach
    void blockable() {
        io.litellm.orchestrator.support.LiteLlmStubs.keyBlockable();
    }


    private static final String PATH = "/api/litellm-orchestrator/users/{userId}/keys/{keyId}/regenerate";
    static final String ENTERPRISE_ONLY = "Regenerating Virtual Keys is an Enterprise feature, 💥 This is an "
            + "Enterprise feature. Get a license: https://www.litellm.ai/#pricing";
    private static final String NEW_SECRET = "sk-NewSecret0123456789abcd";

    static ValidatableResponse regenerate(String token, String userId, String keyId, String body) {
        var request = given().auth().oauth2(token).contentType("application/json");
        if (body != null) {
            request = request.body(body);
        }
        return request.when().post(PATH, userId, keyId).then().log().ifValidationFails();
    }

    static void enterpriseRegenerates(String oldKey, String newKey, String secret) {
        litellm().stubFor(post(urlPathEqualTo("/key/" + oldKey + "/regenerate")).willReturn(okJson("""
                {"key":"%s","token":"%s","key_alias":"laptop","user_id":"bob"}""".formatted(secret, newKey))));
    }

    /** {@code /key/list?key_alias=} finds no key with this alias. */
    static void aliasFree(String alias) {
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/key/list"))
                .withQueryParam("key_alias", WireMock.equalTo(alias))
                .willReturn(okJson("{\"keys\":[],\"total_count\":0,\"current_page\":1,\"total_pages\":0}")));
    }

    /** {@code /key/list?key_alias=} finds this key row. */
    static void aliasUsedBy(String alias, ObjectNode row) {
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/key/list"))
                .withQueryParam("key_alias", WireMock.equalTo(alias))
                .willReturn(okJson("{\"keys\":[" + row + "],\"total_count\":1,\"current_page\":1,\"total_pages\":1}")));
    }

    static void enterpriseOnly(String oldKey) {
        litellm().stubFor(post(urlPathEqualTo("/key/" + oldKey + "/regenerate")).willReturn(error(500,
                ENTERPRISE_ONLY)));
    }

    // --- LiteLLM Enterprise: /key/{key}/regenerate ---------------------------------------------------------

    @Test
    void enterpriseRegenerationAnswersTheNewIdAndSecret() {
        String oldKey = hash("ent-old");
        String newKey = hash("ent-new");
        keyInfo(row(oldKey, "bob", "{}"));
        enterpriseRegenerates(oldKey, newKey, NEW_SECRET);

        regenerate(TestTokens.user("bob"), "bob", oldKey, null)
                .statusCode(200)
                .body("userId", equalTo("bob"))
                .body("keyId", equalTo(newKey))
                .body("keySecret", equalTo(NEW_SECRET));

        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate"))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + MASTER_KEY))
                .withHeader("litellm-changed-by", WireMock.equalTo("bob"))
                // explicitly no grace period, whatever LITELLM_KEY_ROTATION_GRACE_PERIOD says on the proxy
                .withRequestBody(equalToJson("{\"grace_period\":\"0s\",\"blocked\":false,\"metadata\":{"
                        + FIRST_ROTATION_STAMP + "}}", false, false)));
        // claimed before, released after, and nothing copied or deleted
        assertEquals(List.of("GET /key/info?key=" + oldKey, "CLAIM take", "CLAIM check", "GET /key/info?key=" + oldKey,
                "POST /key/block", "POST /key/" + oldKey + "/regenerate", "CLAIM release"), calls());
    }

    @Test
    void enterpriseRegenerationCarriesTheChanges() {
        String oldKey = hash("ent-changes-old");
        keyInfo(row(oldKey, "bob", "{}"));
        userExists("bob", 10.0, null);
        enterpriseRegenerates(oldKey, hash("ent-changes-new"), NEW_SECRET);
        aliasFree("rotated");

        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"keyAlias\":\"rotated\",\"rpmLimit\":20}")
                .statusCode(200);

        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate"))
                .withRequestBody(equalToJson("{\"key_alias\":\"rotated\",\"rpm_limit\":20,\"grace_period\":\"0s\",\"blocked\":false,"
                        + "\"metadata\":{" + FIRST_ROTATION_STAMP + "}}", false, false)));
    }

    @Test
    void aUsersMetadataChangeOnRegenerationKeepsTheAdminsControls() {
        String oldKey = hash("ent-metadata-old");
        keyInfo(row(oldKey, "bob", """
                {"metadata":{"guardrails":["pii-mask"],"model_rpm_limit":{"gpt-4o":5},"team":"old"}}"""));
        enterpriseRegenerates(oldKey, hash("ent-metadata-new"), NEW_SECRET);

        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"metadata\":{\"team\":\"new\"}}").statusCode(200);

        JsonNode sent = KeyFixtures.unstamped(bodies("/key/" + oldKey + "/regenerate").get(0).get("metadata"));
        assertEquals(read("{\"team\":\"new\",\"guardrails\":[\"pii-mask\"],\"model_rpm_limit\":{\"gpt-4o\":5}}"),
                sent);
    }

    @Test
    void adminMayRegenerateAnyonesKey() {
        String oldKey = hash("ent-admin-old");
        keyInfo(row(oldKey, "bob", "{}"));
        enterpriseRegenerates(oldKey, hash("ent-admin-new"), NEW_SECRET);
        regenerate(TestTokens.admin("alice"), "bob", oldKey, null).statusCode(200);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate"))
                .withHeader("litellm-changed-by", WireMock.equalTo("alice")));
    }

    @Test
    void anotherUserIsRefusedBeforeAnythingReachesLiteLlm() {
        String oldKey = hash("ent-other");
        keyInfo(row(oldKey, "bob", "{}"));
        regenerate(TestTokens.user("carol"), "bob", oldKey, null)
                .statusCode(403).body("error.name", equalTo("NotAllowedError"));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void noTokenIsUnauthenticated() {
        given().when().post(PATH, "bob", hash("ent-anon")).then().statusCode(401);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void someoneElsesKeyIsNotFoundAndNotRegenerated() {
        String carols = hash("carols-key");
        keyInfo(row(carols, "carol", "{}"));
        regenerate(TestTokens.user("bob"), "bob", carols, null)
                .statusCode(404).body("error.name", equalTo("NotFoundError"));
        assertEquals(List.of("GET /key/info?key=" + carols), calls());
    }

    @Test
    void unknownKeyIsNotFound() {
        String unknown = hash("unknown-key");
        keyUnknown(unknown);
        regenerate(TestTokens.user("bob"), "bob", unknown, null).statusCode(404);
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/" + unknown + "/regenerate")));
    }

    @Test
    void theFieldPolicyAppliesToTheChanges() {
        String oldKey = hash("policy-regen");
        keyInfo(row(oldKey, "bob", "{\"blocked\":true}"));
        userExists("bob", 10.0, null);
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"blocked\":false}")
                .statusCode(403).body("error.message", containsString("blocked"));
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"maxBudget\":11}")
                .statusCode(403).body("error.message", containsString("maxBudget"));
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate")));
    }

    @Test
    void invalidChangesNameTheField() {
        String oldKey = hash("invalid-regen");
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"tpmLimit\":-1}")
                .statusCode(400).body("error.message", containsString("tpmLimit"));
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"new_key\":\"sk-chosen-by-me\"}")
                .statusCode(400).body("error.message", containsString("new_key: unknown field"))
                .body(not(containsString("sk-chosen-by-me")));
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anUpstreamFailureIsBadGateway() {
        String oldKey = hash("ent-500");
        keyInfo(row(oldKey, "bob", "{}"));
        litellm().stubFor(post(urlPathEqualTo("/key/" + oldKey + "/regenerate"))
                .willReturn(error(500, "database is down")));
        regenerate(TestTokens.user("bob"), "bob", oldKey, null)
                .statusCode(502).body("error.name", equalTo("BadGatewayError"));
        // not the enterprise answer: no fallback
        assertEquals(0, bodies("/key/generate").size());
    }

    // --- open-source LiteLLM: create a copy, delete the old key --------------------------------------------

    /**
     * A copy's {@code /key/generate} body without what every copy carries besides the old key's fields: a secret of
     * our choosing (so its id is known before it exists) and the signed in-flight mark naming the old key.
     */
    public static ObjectNode asCopied(JsonNode sent, String oldKey) {
        ObjectNode copy = ((ObjectNode) sent).deepCopy();
        assertTrue(copy.remove("key").asText().startsWith("sk-"), "the copy's secret is chosen: " + sent);
        ObjectNode metadata = (ObjectNode) copy.get("metadata");
        JsonNode mark = metadata.remove("orchestrator_rotation_copy");
        assertEquals(oldKey, mark.path("of").asText(), "the copy is marked as in flight: " + sent);
        assertTrue(mark.path("sig").isTextual() && mark.path("until").isTextual(), mark.toString());
        // every rotation carries the key's reference and its rotation record
        metadata = KeyFixtures.unstamped(metadata);
        copy.set("metadata", metadata);
        if (metadata.isEmpty()) {
            copy.remove("metadata");
        }
        return copy;
    }

    /** An old key with every property the copy must keep. */
    private static ObjectNode richKey(String hash, Instant expires) {
        return row(hash, "bob", """
                {"key_alias":"laptop","models":["gpt-4o"],"max_budget":5.0,"budget_duration":"30d",
                 "tpm_limit":1000,"rpm_limit":10,"max_parallel_requests":2,"metadata":{"team":"core"},
                 "spend":0.75,"team_id":"team-a","expires":"%s"}""".formatted(expires));
    }

    @Test
    void fallbackCopiesTheKeyMovesTheAliasAndDeletesTheOldKey() {
        String oldKey = hash("oss-old");
        String newKey = hash("oss-new");
        Instant expires = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        keyInfo(richKey(oldKey, expires));
        userExists("bob", 10.0, "[\"gpt-4o\",\"gpt-4o-mini\"]");
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s","key_alias":"laptop","user_id":"bob"}""".formatted(NEW_SECRET, newKey))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{\"deleted_keys\":[]}")));
        ObjectNode stored = richKey(newKey, expires);
        stored.put("rpm_limit", 20);
        keyInfo(stored);

        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"rpmLimit\":20}")
                .statusCode(200)
                .body("keyId", equalTo(newKey))
                .body("keySecret", equalTo(NEW_SECRET));

        assertEquals(List.of(
                "GET /key/info?key=" + oldKey,
                // an rpmLimit change is not measured against the user: no user read
                "CLAIM take",
                "CLAIM check",
                "GET /key/info?key=" + oldKey,
                "POST /key/block", "POST /key/" + oldKey + "/regenerate",
                // the old key blocked before, unblocked after LiteLLM refused to regenerate
                "POST /key/unblock", "POST /key/update",
                "POST /key/generate",
                "GET /key/info?key=" + newKey,
                "POST /key/delete",
                // the commit: the copy's in-flight mark comes off
                "POST /key/update",
                "CLAIM release"), calls());
        // the alias is freed on the old key so the copy can take it
        assertEquals(read("{\"key\":\"" + oldKey + "\",\"key_alias\":null}"), bodies("/key/update").get(0));
        JsonNode copy = asCopied(bodies("/key/generate").get(0), oldKey);
        long duration = Long.parseLong(copy.path("duration").asText().replace("s", ""));
        assertTrue(Math.abs(duration - 10 * 24 * 3600) < 60, "copy expires with the old key, got " + duration);
        ((ObjectNode) copy).remove("duration");
        assertEquals(read("""
                {"user_id":"bob","key_alias":"laptop","models":["gpt-4o"],"max_budget":5.0,"budget_duration":"30d",
                 "metadata":{"team":"core"},"tpm_limit":1000,"rpm_limit":20,"max_parallel_requests":2,
                 "spend":0.75,"team_id":"team-a"}"""), copy);
        assertEquals(read("{\"keys\":[\"" + oldKey + "\"]}"), bodies("/key/delete").get(0));
        ObjectNode commit = bodies("/key/update").get(1).deepCopy();
        commit.set("metadata", KeyFixtures.unstamped(commit.path("metadata")));
        assertEquals(read("{\"key\":\"" + newKey + "\",\"metadata\":{\"team\":\"core\"}}"), commit);
        for (String path : List.of("/key/update", "/key/generate", "/key/delete")) {
            litellm().verify(postRequestedFor(urlPathEqualTo(path))
                    .withHeader("Authorization", WireMock.equalTo("Bearer " + MASTER_KEY))
                    .withHeader("litellm-changed-by", WireMock.equalTo("bob")));
        }
    }

    /** A key row as /key/info of a current LiteLLM answers it: every column of LiteLLM_VerificationToken. */
    private static ObjectNode fullRow(String hash, Instant expires) {
        return row(hash, "bob", """
                {"key_alias":"laptop","models":["gpt-4o"],"max_budget":5.0,"budget_duration":"30d","spend":0.75,
                 "budget_reset_at":"2026-12-01T00:00:00Z","expires":"%s","team_id":"team-a","agent_id":null,
                 "tpm_limit":1000,"rpm_limit":10,"max_parallel_requests":2,"blocked":null,
                 "metadata":{"team":"core","guardrails":["pii"]},"aliases":{"fast":"gpt-4o-mini"},
                 "config":{"max_tokens":512},"permissions":{"get_spend_routes":false},
                 "model_max_budget":{"gpt-4o":{"budget_limit":1.0,"time_period":"1d"}},
                 "model_spend":{"gpt-4o":0.75},"allowed_routes":["llm_api_routes"],
                 "allowed_cache_controls":["no-cache"],"object_permission_id":"op-1","budget_id":"budget-9",
                 "object_permission":{"object_permission_id":"op-1","mcp_servers":["github"],"vector_stores":[]},
                 "organization_id":"org-2","project_id":"proj-3","router_settings":{"num_retries":1},
                 "access_group_ids":["ag-1"],"soft_budget_cooldown":false,"auto_rotate":false,
                 "rotation_interval":null,"rotation_count":3,"last_rotation_at":"2026-11-01T00:00:00Z",
                 "key_rotation_at":null,"created_by":"root","updated_by":"root",
                 "updated_at":"2026-11-20T09:00:00Z","litellm_budget_table":{"budget_id":"budget-9","max_budget":9.0}}
                """.formatted(expires));
    }

    @Test
    void fallbackCopiesEveryFieldButIdentitySecretAndBookkeeping() {
        String oldKey = hash("oss-full-old");
        String newKey = hash("oss-full-new");
        Instant expires = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        ObjectNode old = fullRow(oldKey, expires);
        keyInfo(old);
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s"}""".formatted(NEW_SECRET, newKey))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{}")));
        keyInfo(fullRow(newKey, expires));

        regenerate(TestTokens.admin("alice"), "bob", oldKey, null).statusCode(200).body("keyId", equalTo(newKey));

        ObjectNode copy = asCopied(bodies("/key/generate").get(0), oldKey);
        long duration = Long.parseLong(copy.remove("duration").asText().replace("s", ""));
        assertTrue(Math.abs(duration - 3 * 24 * 3600) < 60, "expires when the old key would have: " + duration);
        // every restriction and setting, by rule; none of LiteLLM's bookkeeping, nothing that names the old key;
        // the MCP/vector-store permissions as content (/key/generate creates their row anew, under a new id)
        assertEquals(read("""
                {"user_id":"bob","key_alias":"laptop","models":["gpt-4o"],"max_budget":5.0,"budget_duration":"30d",
                 "spend":0.75,"team_id":"team-a","tpm_limit":1000,"rpm_limit":10,"max_parallel_requests":2,
                 "metadata":{"team":"core","guardrails":["pii"]},"aliases":{"fast":"gpt-4o-mini"},
                 "config":{"max_tokens":512},"permissions":{"get_spend_routes":false},
                 "model_max_budget":{"gpt-4o":{"budget_limit":1.0,"time_period":"1d"}},
                 "allowed_routes":["llm_api_routes"],"allowed_cache_controls":["no-cache"],
                 "object_permission":{"mcp_servers":["github"],"vector_stores":[]},
                 "budget_id":"budget-9","organization_id":"org-2",
                 "project_id":"proj-3","router_settings":{"num_retries":1},"access_group_ids":["ag-1"],
                 "auto_rotate":false}"""), copy);
    }

    @Test
    void aCopyThatLostARestrictionIsUndone() {
        String oldKey = hash("oss-lost-old");
        String newKey = hash("oss-lost-new");
        Instant expires = Instant.now().plus(3, ChronoUnit.DAYS);
        keyInfo(fullRow(oldKey, expires));
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s"}""".formatted(NEW_SECRET, newKey))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{}")));
        // this LiteLLM release silently drops two fields on generate
        ObjectNode stored = fullRow(newKey, expires);
        stored.remove("router_settings");
        stored.putArray("allowed_routes");
        keyInfo(stored);

        regenerate(TestTokens.admin("alice"), "bob", oldKey, null)
                .statusCode(502)
                .body("error.message", containsString("allowed_routes"))
                .body("error.message", containsString("router_settings"))
                .body("error.message", containsString("old key is still valid"));
        // the less restricted copy is deleted, the old key keeps its alias and lives on
        assertEquals(List.of(read("{\"keys\":[\"" + newKey + "\"]}")), bodies("/key/delete"));
        assertEquals(read("{\"key\":\"" + oldKey + "\",\"key_alias\":\"laptop\"}"), bodies("/key/update").get(1));
    }

    // --- grace period -----------------------------------------------------------------------------------------

    @Test
    void aGracePeriodKeepsTheOldKeyUntilThenMarkedAsRotatedOnLicensedLiteLlmToo() {
        String oldKey = hash("grace-old");
        String newKey = hash("grace-new");
        keyInfo(row(oldKey, "bob", "{\"key_alias\":\"laptop\",\"metadata\":{\"team\":\"core\"}}"));
        enterpriseRegenerates(oldKey, hash("grace-native"), NEW_SECRET);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s"}""".formatted(NEW_SECRET, newKey))));
        keyInfo(row(newKey, "bob", "{\"key_alias\":\"laptop\",\"metadata\":{\"team\":\"core\"}}"));

        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"gracePeriod\":\"30m\"}")
                .statusCode(200).body("keyId", equalTo(newKey)).body("keySecret", equalTo(NEW_SECRET));

        // LiteLLM's regenerate would replace the old secret at once: not used
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/" + oldKey + "/regenerate")));
        assertEquals(0, bodies("/key/delete").size(), "the old key is not deleted");
        List<JsonNode> updates = bodies("/key/update");
        assertEquals(read("{\"key\":\"" + oldKey + "\",\"key_alias\":null}"), updates.get(0));
        ObjectNode expiry = (ObjectNode) updates.get(1);
        assertEquals(oldKey, expiry.path("key").asText());
        assertEquals("1800s", expiry.path("duration").asText(), "expires = now + gracePeriod");
        assertEquals("core", expiry.path("metadata").path("team").asText(), "its metadata is kept");
        assertEquals(newKey, expiry.path("metadata").path("rotated_to").asText());
        assertTrue(Instant.parse(expiry.path("metadata").path("rotated_at").asText())
                .isAfter(Instant.now().minusSeconds(60)));
        // the commit: the copy's in-flight mark comes off
        ObjectNode commit = updates.get(2).deepCopy();
        commit.set("metadata", KeyFixtures.unstamped(commit.path("metadata")));
        assertEquals(read("{\"key\":\"" + newKey + "\",\"metadata\":{\"team\":\"core\"}}"), commit);
        assertEquals(3, updates.size());
    }

    @Test
    void aGracePeriodNeverOutlivesTheOldKeysOwnExpiry() {
        String oldKey = hash("grace-short-old");
        String newKey = hash("grace-short-new");
        keyInfo(row(oldKey, "bob", "{\"key_alias\":null,\"expires\":\"%s\"}".formatted(
                Instant.now().plus(10, ChronoUnit.MINUTES))));
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s"}""".formatted(NEW_SECRET, newKey))));
        keyInfo(row(newKey, "bob", "{\"key_alias\":null}"));

        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"gracePeriod\":\"2h\"}").statusCode(200);

        long seconds = Long.parseLong(bodies("/key/update").get(0).path("duration").asText().replace("s", ""));
        assertTrue(seconds <= 600 && seconds > 500, "capped at the old key's remaining 10 min, got " + seconds);
    }

    @Test
    void aGracePeriodAboveTheMaximumOrMalformedIsRefusedNamingTheField() {
        String oldKey = hash("grace-bad");
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"gracePeriod\":\"25h\"}")
                .statusCode(400).body("error.name", equalTo("InputError"))
                .body("error.message", containsString("gracePeriod"))
                .body("error.message", containsString("24h"));
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"gracePeriod\":\"soon\"}")
                .statusCode(400).body("error.message", containsString("gracePeriod"));
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"gracePeriod\":30}")
                .statusCode(400).body("error.message", containsString("gracePeriod"));
        litellm().verify(0, anyRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Test
    void aKeyInItsGracePeriodIsNotRotatedAgain() {
        String oldKey = hash("grace-again");
        keyInfo(row(oldKey, "bob", "{\"metadata\":{\"rotated_to\":\"" + hash("grace-again-new") + "\"}}"));
        enterpriseOnly(oldKey);
        regenerate(TestTokens.user("bob"), "bob", oldKey, "{\"gracePeriod\":\"1h\"}")
                .statusCode(409).body("error.message", containsString("already rotated"));
        assertEquals(0, bodies("/key/generate").size());
    }

    @Test
    void fallbackWithANewAliasLeavesTheOldAliasAlone() {
        String oldKey = hash("oss-rename-old");
        keyInfo(row(oldKey, "bob", "{\"key_alias\":\"laptop\"}"));
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s"}""".formatted(NEW_SECRET, hash("oss-rename-new")))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{}")));
        keyInfo(row(hash("oss-rename-new"), "bob", "{\"key_alias\":\"desktop\"}"));
        aliasFree("desktop");
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));

        regenerate(TestTokens.admin("alice"), "bob", oldKey, "{\"keyAlias\":\"desktop\"}").statusCode(200);

        // the old key is not touched (the one update is the copy's commit)
        assertEquals(List.of(hash("oss-rename-new")), bodies("/key/update").stream().map(b -> b.path("key").asText()).toList());
        assertEquals("desktop", bodies("/key/generate").get(0).path("key_alias").asText());
    }

    @Test
    void failingToDeleteTheOldKeyUndoesEverything() {
        String oldKey = hash("oss-fail-old");
        String newKey = hash("oss-fail-new");
        keyInfo(richKey(oldKey, Instant.now().plus(1, ChronoUnit.DAYS)));
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s"}""".formatted(NEW_SECRET, newKey))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + oldKey + "\"]}"))
                .willReturn(error(500, "database is down")));
        litellm().stubFor(post(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + newKey + "\"]}"))
                .willReturn(okJson("{}")));
        ObjectNode stored = richKey(newKey, Instant.now().plus(1, ChronoUnit.DAYS));
        keyInfo(stored);

        regenerate(TestTokens.admin("alice"), "bob", oldKey, null)
                .statusCode(502)
                .body("error.name", equalTo("BadGatewayError"))
                .body("error.message", containsString("old key is still valid"))
                .body(not(containsString(NEW_SECRET)));

        assertEquals(List.of(
                "GET /key/info?key=" + oldKey,
                "CLAIM take",
                "CLAIM check",
                "GET /key/info?key=" + oldKey,
                "POST /key/block", "POST /key/" + oldKey + "/regenerate",
                // the old key blocked before, unblocked after LiteLLM refused to regenerate
                "POST /key/unblock", "POST /key/update",
                "POST /key/generate",
                "GET /key/info?key=" + newKey,
                "POST /key/delete",
                "GET /key/info?key=" + oldKey,
                "POST /key/delete",
                "POST /key/update",
                "CLAIM release"), calls());
        List<JsonNode> deletes = bodies("/key/delete");
        assertEquals(read("{\"keys\":[\"" + newKey + "\"]}"), deletes.get(1), "the new key is deleted");
        List<JsonNode> updates = bodies("/key/update");
        assertEquals(read("{\"key\":\"" + oldKey + "\",\"key_alias\":\"laptop\"}"), updates.get(1),
                "the old key gets its alias back");
    }

    @Test
    void failingToCreateTheCopyGivesTheAliasBack() {
        String oldKey = hash("oss-gen-fail");
        keyInfo(row(oldKey, "bob", "{\"key_alias\":\"laptop\"}"));
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(error(500, "database is down")));

        regenerate(TestTokens.user("bob"), "bob", oldKey, null)
                .statusCode(502).body("error.message", containsString("old key is still valid"));

        assertEquals(0, bodies("/key/delete").size());
        assertEquals(List.of(read("{\"key\":\"" + oldKey + "\",\"key_alias\":null}"),
                read("{\"key\":\"" + oldKey + "\",\"key_alias\":\"laptop\"}")), bodies("/key/update"));
    }

    @Test
    void aDeleteThatHappenedDespiteAnErrorCountsAsDone() {
        String oldKey = hash("oss-ghost-old");
        String newKey = hash("oss-ghost-new");
        // the old key is there when we start, gone when we look again after the failed delete
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/key/info"))
                .inScenario("ghost").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(okJson("{\"key\":\"" + oldKey + "\",\"info\":" + row(oldKey, "bob", "{}") + "}")));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).inScenario("ghost")
                .willReturn(error(500, "connection reset after commit")).willSetStateTo("deleted"));
        keyUnknownInState(oldKey, "deleted");
        enterpriseOnly(oldKey);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/key/generate")).willReturn(okJson("""
                {"key":"%s","token":"%s"}""".formatted(NEW_SECRET, newKey))));
        keyInfo(row(newKey, "bob", "{}"));

        regenerate(TestTokens.admin("alice"), "bob", oldKey, null)
                .statusCode(200).body("keyId", equalTo(newKey));
        // the new key is kept: deleting it would leave bob with no key at all
        assertEquals(1, bodies("/key/delete").size());
    }

    private static void keyUnknownInState(String hash, String state) {
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/key/info"))
                .inScenario("ghost").whenScenarioStateIs(state)
                .willReturn(error(404, "Key not found in database")));
    }

    @Test
    void aTakenNewAliasIsAConflictAndNothingIsDeleted() {
        String oldKey = hash("oss-alias-taken");
        keyInfo(row(oldKey, "bob", "{\"key_alias\":\"laptop\"}"));
        enterpriseOnly(oldKey);
        aliasUsedBy("desktop", row(hash("someone-elses"), "carol", "{\"key_alias\":\"desktop\"}"));

        regenerate(TestTokens.admin("alice"), "bob", oldKey, "{\"keyAlias\":\"desktop\"}")
                .statusCode(409).body("error.name", equalTo("ConflictError"))
                .body("error.message", containsString("desktop"));
        // refused before anything is claimed, sent or changed: LiteLLM's own regenerate would not have checked
        assertEquals(List.of("GET /key/info?key=" + oldKey, "GET /key/list?key_alias=desktop&page=1&size=100"
                + "&return_full_object=true"), calls());
    }

    @Test
    void anExpiredKeyIsNotRotated() {
        String oldKey = hash("oss-expired");
        keyInfo(row(oldKey, "bob", "{\"expires\":\"2025-01-01T00:00:00Z\"}"));
        enterpriseOnly(oldKey);
        regenerate(TestTokens.admin("alice"), "bob", oldKey, null)
                .statusCode(409).body("error.message", containsString("expired"));
        assertEquals(0, bodies("/key/generate").size());
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/update")));
    }

    // --- rate limit ------------------------------------------------------------------------------------------

    @Test
    void theSixthRegenerationWithinTheWindowIsRefusedEvenAfterTheKeyChangedId() {
        // each regeneration gives the key a new id: the count must follow it
        String current = hash("limited-0");
        for (int i = 1; i <= 5; i++) {
            String next = hash("limited-" + i);
            keyInfo(row(current, "bob", "{}"));
            enterpriseRegenerates(current, next, NEW_SECRET);
            regenerate(TestTokens.user("bob"), "bob", current, null).statusCode(200).body("keyId", equalTo(next));
            current = next;
        }
        keyInfo(row(current, "bob", "{}"));
        enterpriseRegenerates(current, hash("limited-6"), NEW_SECRET);

        String retryAfter = regenerate(TestTokens.user("bob"), "bob", current, null)
                .statusCode(429)
                .body("error.name", equalTo("TooManyRequestsError"))
                .extract().header("Retry-After");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds > 0 && seconds <= 600, "Retry-After within the 10 min window, got " + seconds);
        litellm().verify(0, anyRequestedFor(urlPathEqualTo("/key/" + current + "/regenerate")));

        // another caller (an admin) has their own count for this key
        regenerate(TestTokens.admin("alice"), "bob", current, null).statusCode(200);
    }

    @Test
    void adminsAreNotExemptAndFailedAttemptsCount() {
        String unknown = hash("limited-admin");
        keyUnknown(unknown);
        for (int i = 0; i < 5; i++) {
            regenerate(TestTokens.admin("alice"), "bob", unknown, null).statusCode(404);
        }
        regenerate(TestTokens.admin("alice"), "bob", unknown, null)
                .statusCode(429).header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"));
    }
}

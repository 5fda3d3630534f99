package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.litellm.orchestrator.dev.LiteLlmSimulator.AuditEntry;
import io.litellm.orchestrator.dev.LiteLlmSimulator.Line;
import io.litellm.orchestrator.dev.LiteLlmSimulator.Reply;

/**
 * The simulator answers like LiteLLM where the service must tell answers apart: block/unblock of a missing key
 * (get_key_object's 401), {@code /key/list}'s size cap, and the {@code LiteLLM-Changed-By} gate of the newest line
 * (audit_logs.get_audit_log_changed_by) with an admin virtual key as the credential.
 */
class LiteLlmSimulatorGateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "sk-sim-master";

    private static Reply call(LiteLlmSimulator sim, String method, String path, Map<String, String> query,
            String credential, String changedBy, String body) {
        return sim.handle(method, path, query, "Bearer " + credential, changedBy, body);
    }

    private static JsonNode json(Reply reply) {
        try {
            return JSON.readTree(reply.body());
        } catch (Exception e) {
            throw new AssertionError(reply.body(), e);
        }
    }

    /** The README recipe: a proxy admin user, then its key with the opt-in in {@code metadata}. */
    private static String adminKey(LiteLlmSimulator sim, String metadata, String teamId) {
        assertEquals(200, call(sim, "POST", "/user/new", Map.of(), MASTER, null,
                "{\"user_id\":\"orchestrator\",\"user_role\":\"proxy_admin\",\"auto_create_key\":false}").status());
        Reply key = call(sim, "POST", "/key/generate", Map.of(), MASTER, null, "{\"user_id\":\"orchestrator\","
                + "\"key_alias\":\"litellm-orchestrator\",\"metadata\":" + metadata
                + (teamId == null ? "" : ",\"team_id\":\"" + teamId + "\"") + "}");
        assertEquals(200, key.status(), key.body());
        return json(key).get("key").asText();
    }

    private static String lastChangedBy(LiteLlmSimulator sim) {
        List<AuditEntry> log = sim.auditLog();
        return log.get(log.size() - 1).changedBy();
    }

    private static void createUser(LiteLlmSimulator sim, String credential, String id) {
        Reply reply = call(sim, "POST", "/user/new", Map.of(), credential, "user:default/jane",
                "{\"user_id\":\"" + id + "\",\"auto_create_key\":false}");
        assertEquals(200, reply.status(), reply.body());
    }

    @Test
    void blockAndUnblockOfAMissingKeyAreGetKeyObjects401() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true);
        String hash = "a".repeat(64);
        for (String path : List.of("/key/block", "/key/unblock")) {
            Reply reply = call(sim, "POST", path, Map.of(), MASTER, null, "{\"key\":\"" + hash + "\"}");
            assertEquals(401, reply.status());
            JsonNode error = json(reply).get("error");
            assertEquals("Authentication Error, Invalid proxy server token passed. key=" + hash
                    + ", not found in db. Create key via `/key/generate` call.", error.get("message").asText());
            assertEquals("token_not_found_in_db", error.get("type").asText());
            assertEquals("key", error.get("param").asText());
            assertEquals("401", error.get("code").asText());
        }
    }

    @Test
    void keyListSizeIsCappedAt100() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true);
        assertEquals(200, call(sim, "GET", "/key/list", Map.of("size", "100"), MASTER, null, null).status());
        Reply tooBig = call(sim, "GET", "/key/list", Map.of("size", "101"), MASTER, null, null);
        assertEquals(422, tooBig.status());
        // FastAPI's validation answer names the parameter
        assertEquals("size", json(tooBig).get("detail").get(0).get("loc").get(1).asText());
        assertEquals(422, call(sim, "GET", "/key/list", Map.of("size", "0"), MASTER, null, null).status());
    }

    @Test
    void theNewestLineNeverTakesChangedByFromTheMasterKey() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, Line.CURRENT);
        createUser(sim, MASTER, "bob");
        assertEquals(LiteLlmSimulator.PROXY_ADMIN_NAME, lastChangedBy(sim));
    }

    @Test
    void upTo180EveryCallerNamesThePerson() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, Line.V1_80);
        createUser(sim, MASTER, "bob");
        assertEquals("user:default/jane", lastChangedBy(sim));
    }

    @Test
    void anAdminVirtualKeyNamesThePersonOnlyWithTheOptIn() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, Line.CURRENT);
        String optedIn = adminKey(sim, "{\"allow_litellm_changed_by_header\":true}", null);
        createUser(sim, optedIn, "bob");
        assertEquals("user:default/jane", lastChangedBy(sim));
        AuditEntry entry = sim.auditLog().get(sim.auditLog().size() - 1);
        assertEquals(LiteLlmSimulator.hash(optedIn), entry.changedByApiKey(), "the real credential is recorded too");

        String plain = json(call(sim, "POST", "/key/generate", Map.of(), MASTER, null,
                "{\"user_id\":\"orchestrator\",\"metadata\":{\"allow_litellm_changed_by_header\":\"true\"}}"))
                .get("key").asText();
        createUser(sim, plain, "carol");
        assertEquals("orchestrator", lastChangedBy(sim), "no opt-in (a string is not True): the key's own user");
    }

    @Test
    void theOptInMaySitOnTheKeysTeam() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, Line.CURRENT);
        assertEquals(200, call(sim, "POST", "/team/new", Map.of(), MASTER, null,
                "{\"team_id\":\"ops\",\"metadata\":{\"allow_litellm_changed_by_header\":true}}").status());
        String key = adminKey(sim, "{}", "ops");
        createUser(sim, key, "bob");
        assertEquals("user:default/jane", lastChangedBy(sim));
    }

    @Test
    void keyInfoWithoutAKeyDescribesTheCallersOwnCredential() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, Line.CURRENT);
        assertEquals(404, call(sim, "GET", "/key/info", Map.of(), MASTER, null, null).status());
        String key = adminKey(sim, "{\"allow_litellm_changed_by_header\":true}", null);
        JsonNode own = json(call(sim, "GET", "/key/info", Map.of(), key, null, null));
        assertEquals(LiteLlmSimulator.hash(key), own.get("key").asText());
        assertEquals("orchestrator", own.get("info").get("user_id").asText());
        assertTrue(own.get("info").get("metadata").get("allow_litellm_changed_by_header").asBoolean());
    }

    @Test
    void onlyAProxyAdminsKeyManagesAndAnUnknownKeyIsNotFoundInDb() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, Line.CURRENT);
        createUser(sim, MASTER, "bob");
        String bobs = json(call(sim, "POST", "/key/generate", Map.of(), MASTER, null, "{\"user_id\":\"bob\"}"))
                .get("key").asText();
        assertEquals(401, call(sim, "GET", "/key/list", Map.of(), bobs, null, null).status());
        Reply unknown = call(sim, "GET", "/key/list", Map.of(), "sk-nobody-knows-me", null, null);
        assertEquals(401, unknown.status());
        assertEquals("token_not_found_in_db", json(unknown).get("error").get("type").asText());
    }

    @Test
    void readinessNamesTheLinesRelease() {
        for (Line line : Line.values()) {
            Reply reply = new LiteLlmSimulator(MASTER, true, line).handle("GET", "/health/readiness", Map.of(), null,
                    null);
            assertEquals(line.version, json(reply).get("litellm_version").asText());
        }
    }
}

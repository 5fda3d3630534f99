package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.litellm.orchestrator.dev.LiteLlmSimulator.Reply;

/** The simulator keeps the LiteLLM rules the service relies on. */
class LiteLlmSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "sk-sim-master";

    private final LiteLlmSimulator litellm = new LiteLlmSimulator(MASTER, true);

    private Reply post(LiteLlmSimulator sim, String path, String body) {
        return sim.handle("POST", path, Map.of(), "Bearer " + MASTER, body);
    }

    private Reply get(String path, Map<String, String> query) {
        return litellm.handle("GET", path, query, "Bearer " + MASTER, null);
    }

    private static JsonNode json(Reply reply) {
        try {
            return JSON.readTree(reply.body());
        } catch (Exception e) {
            throw new AssertionError(reply.body(), e);
        }
    }

    private static void assertLiteLlmError(Reply reply, int status, String param, String messagePart) {
        assertEquals(status, reply.status(), reply.body());
        JsonNode error = json(reply).get("error");
        assertEquals(String.valueOf(status), error.get("code").asText());
        assertEquals(param, error.get("param").asText());
        assertTrue(error.get("type").isTextual());
        assertTrue(error.get("message").asText().contains(messagePart), error.get("message").asText());
    }

    private JsonNode generate(String body) {
        Reply reply = post(litellm, "/key/generate", body);
        assertEquals(200, reply.status(), reply.body());
        return json(reply);
    }

    @Test
    void masterKeyIsRequiredOnManagementCallsButNotOnLiveliness() {
        assertLiteLlmError(litellm.handle("GET", "/user/info", Map.of("user_id", "a"), "Bearer sk-wrong", null),
                401, "None", "Authentication Error");
        assertLiteLlmError(litellm.handle("POST", "/key/generate", Map.of(), null, "{}"), 401, "None",
                "Authentication Error");
        assertEquals(200, litellm.handle("GET", "/health/liveliness", Map.of(), null, null).status());
    }

    @Test
    void unknownUserInfoIsOkWithNullUserInfo() {
        Reply reply = get("/user/info", Map.of("user_id", "nobody"));
        assertEquals(200, reply.status());
        assertTrue(json(reply).get("user_info").isNull());
        assertEquals("nobody", json(reply).get("user_id").asText());
    }

    @Test
    void userIsCreatedOnceAndUpdated() {
        Reply created = post(litellm, "/user/new", "{\"user_id\":\"alice\",\"max_budget\":10,\"auto_create_key\":false}");
        assertEquals(200, created.status());
        assertTrue(json(created).get("key").isNull());
        assertLiteLlmError(post(litellm, "/user/new", "{\"user_id\":\"alice\"}"), 400, "user_id", "already exists");

        assertEquals(200, post(litellm, "/user/update", "{\"user_id\":\"alice\",\"spend\":0,\"max_budget\":20}").status());
        JsonNode info = json(get("/user/info", Map.of("user_id", "alice"))).get("user_info");
        assertEquals(20, info.get("max_budget").asInt());
        assertLiteLlmError(post(litellm, "/user/update", "{\"user_id\":\"bob\",\"spend\":0}"), 404, "user_id", "not found");
        assertLiteLlmError(post(litellm, "/user/update", "{\"user_id\":\"alice\",\"budget_duration\":\"monthly\"}"),
                400, "budget_duration", "Invalid");
    }

    @Test
    void newUserCreatesAKeyUnlessToldNotTo() {
        JsonNode created = json(post(litellm, "/user/new", "{\"user_id\":\"carol\"}"));
        assertTrue(created.get("key").asText().startsWith("sk-"));
        assertEquals(1, litellm.keyCount());
    }

    @Test
    void tokenIsTheSha256HexOfTheSecretAndInfoAcceptsEither() {
        JsonNode key = generate("{\"user_id\":\"alice\",\"key_alias\":\"laptop\",\"duration\":\"30d\"}");
        String secret = key.get("key").asText();
        String token = key.get("token").asText();
        assertTrue(secret.startsWith("sk-"));
        assertEquals(LiteLlmSimulator.hash(secret), token);
        assertTrue(token.matches("[0-9a-f]{64}"));
        assertEquals(token, key.get("token_id").asText());

        for (String lookup : new String[] { token, secret }) {
            JsonNode info = json(get("/key/info", Map.of("key", lookup)));
            assertEquals(token, info.get("key").asText());
            assertEquals("alice", info.get("info").get("user_id").asText());
            assertEquals("laptop", info.get("info").get("key_alias").asText());
            assertTrue(info.get("info").get("expires").isTextual());
            assertTrue(!info.get("info").has("key") || !info.get("info").get("key").asText().startsWith("sk-"));
        }
        assertLiteLlmError(get("/key/info", Map.of("key", "0".repeat(64))), 404, "key", "not found");
    }

    @Test
    void aliasesAreUniqueAcrossAllKeys() {
        generate("{\"user_id\":\"alice\",\"key_alias\":\"shared\"}");
        assertLiteLlmError(post(litellm, "/key/generate", "{\"user_id\":\"bob\",\"key_alias\":\"shared\"}"), 400,
                "key_alias", "already exists");
        String other = generate("{\"user_id\":\"bob\",\"key_alias\":\"mine\"}").get("token").asText();
        assertLiteLlmError(post(litellm, "/key/update", "{\"key\":\"" + other + "\",\"key_alias\":\"shared\"}"), 400,
                "key_alias", "already exists");
        // a key may keep its own alias
        assertEquals(200, post(litellm, "/key/update", "{\"key\":\"" + other + "\",\"key_alias\":\"mine\"}").status());
    }

    @Test
    void listPagesThroughAUsersKeysOnly() {
        for (int i = 0; i < 5; i++) {
            generate("{\"user_id\":\"alice\",\"key_alias\":\"a" + i + "\"}");
        }
        generate("{\"user_id\":\"bob\"}");
        JsonNode page2 = json(get("/key/list", Map.of("user_id", "alice", "page", "2", "size", "2",
                "return_full_object", "true")));
        assertEquals(5, page2.get("total_count").asInt());
        assertEquals(3, page2.get("total_pages").asInt());
        assertEquals(2, page2.get("current_page").asInt());
        assertEquals(2, page2.get("keys").size());
        assertEquals("a2", page2.get("keys").get(0).get("key_alias").asText());
        assertEquals("alice", page2.get("keys").get(1).get("user_id").asText());

        JsonNode hashes = json(get("/key/list", Map.of("user_id", "alice", "page", "3", "size", "2")));
        assertEquals(1, hashes.get("keys").size());
        assertTrue(hashes.get("keys").get(0).isTextual());
        assertEquals(422, get("/key/list", Map.of("page", "0")).status());
    }

    @Test
    void updateChangesOnlyTheGivenFields() {
        String token = generate("{\"user_id\":\"alice\",\"models\":[\"gpt-4o\"]}").get("token").asText();
        Reply updated = post(litellm, "/key/update", "{\"key\":\"" + token + "\",\"blocked\":true,\"metadata\":{\"team\":\"x\"}}");
        assertEquals(200, updated.status());
        JsonNode row = json(get("/key/info", Map.of("key", token))).get("info");
        assertTrue(row.get("blocked").asBoolean());
        assertEquals("x", row.get("metadata").get("team").asText());
        assertEquals("gpt-4o", row.get("models").get(0).asText());
        assertLiteLlmError(post(litellm, "/key/update", "{\"key\":\"" + "1".repeat(64) + "\",\"blocked\":true}"), 404,
                "key", "not found");
    }

    @Test
    void deleteRemovesTheKeyAndUnknownKeysAre404() {
        String token = generate("{\"user_id\":\"alice\"}").get("token").asText();
        Reply deleted = post(litellm, "/key/delete", "{\"keys\":[\"" + token + "\"]}");
        assertEquals(token, json(deleted).get("deleted_keys").get(0).asText());
        assertEquals(404, get("/key/info", Map.of("key", token)).status());
        assertLiteLlmError(post(litellm, "/key/delete", "{\"keys\":[\"" + token + "\"]}"), 404, "key", "not found");
    }

    @Test
    void regenerateChangesTheHashAndKillsTheOldSecret() {
        JsonNode old = generate("{\"user_id\":\"alice\",\"key_alias\":\"ci\",\"max_budget\":3}");
        String oldSecret = old.get("key").asText();
        String oldToken = old.get("token").asText();

        Reply reply = post(litellm, "/key/" + oldToken + "/regenerate", "{\"max_budget\":4}");
        assertEquals(200, reply.status(), reply.body());
        JsonNode fresh = json(reply);
        String newSecret = fresh.get("key").asText();
        assertNotEquals(oldSecret, newSecret);
        assertEquals(LiteLlmSimulator.hash(newSecret), fresh.get("token").asText());
        assertNotEquals(oldToken, fresh.get("token").asText());

        assertEquals(404, get("/key/info", Map.of("key", oldSecret)).status());
        assertEquals(404, get("/key/info", Map.of("key", oldToken)).status());
        JsonNode row = json(get("/key/info", Map.of("key", newSecret))).get("info");
        assertEquals("ci", row.get("key_alias").asText());
        assertEquals(4, row.get("max_budget").asInt());
        assertEquals(1, litellm.keyCount());
    }

    @Test
    void regenerateWithoutEnterpriseLicenceIsLiteLlmsServerError() {
        LiteLlmSimulator openSource = new LiteLlmSimulator(MASTER, false);
        String token = json(post(openSource, "/key/generate", "{\"user_id\":\"alice\"}")).get("token").asText();
        Reply reply = post(openSource, "/key/" + token + "/regenerate", null);
        assertLiteLlmError(reply, 500, "None", "Enterprise feature");
        assertEquals(200, openSource.handle("GET", "/key/info", Map.of("key", token), "Bearer " + MASTER, null).status());
    }

    @Test
    void unknownPathsAndMethodsAnswerLikeFastApi() {
        assertEquals(404, get("/organization/new", Map.of()).status());
        assertEquals(405, litellm.handle("GET", "/key/generate", Map.of(), "Bearer " + MASTER, null).status());
        assertLiteLlmError(post(litellm, "/key/generate", "{not json"), 400, "body", "Invalid JSON");
    }
}

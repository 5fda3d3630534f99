package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        // an sk- value that is not the master key is looked up as a virtual key: get_key_object's 401 naming its hash
        assertLiteLlmError(litellm.handle("GET", "/user/info", Map.of("user_id", "a"), "Bearer sk-wrong", null),
                401, "key", "Authentication Error");
        assertLiteLlmError(litellm.handle("POST", "/key/generate", Map.of(), null, "{}"), 401, "None",
                "Authentication Error");
        assertEquals(200, litellm.handle("GET", "/health/liveliness", Map.of(), null, null).status());
    }

    @Test
    void unknownUserInfoIs404OnCurrentReleases() {
        assertLiteLlmError(get("/user/info", Map.of("user_id", "nobody")), 404, "None", "User nobody not found");
    }

    @Test
    void unknownUserInfoIsAPlaceholderOn180() {
        LiteLlmSimulator old = new LiteLlmSimulator(MASTER, true, LiteLlmSimulator.Line.V1_80);
        post(old, "/key/generate", "{\"user_id\":\"nobody\"}");
        Reply reply = old.handle("GET", "/user/info", Map.of("user_id", "nobody"), "Bearer " + MASTER, null);
        assertEquals(200, reply.status());
        JsonNode answer = json(reply);
        assertEquals("nobody", answer.get("user_id").asText());
        // only the spend of the keys naming the id: no user_id, no created_at, no budget
        assertEquals(JSON.createObjectNode().put("spend", 0.0), answer.get("user_info"));
        assertEquals(1, answer.get("keys").size());
    }

    @Test
    void userIsCreatedOnceAndUpdated() {
        Reply created = post(litellm, "/user/new", "{\"user_id\":\"alice\",\"max_budget\":10,\"auto_create_key\":false}");
        assertEquals(200, created.status());
        assertTrue(json(created).get("key").isNull());
        // without a key LiteLLM answers the fields it was given: no created_at
        assertTrue(json(created).path("created_at").isMissingNode());
        assertLiteLlmError(post(litellm, "/user/new", "{\"user_id\":\"alice\"}"), 409, "None", "already exists");

        Reply updated = post(litellm, "/user/update", "{\"user_id\":\"alice\",\"spend\":0,\"max_budget\":20}");
        assertEquals(200, updated.status());
        assertEquals(20, json(updated).get("data").get("max_budget").asInt());
        JsonNode info = json(get("/user/info", Map.of("user_id", "alice"))).get("user_info");
        assertEquals(20, info.get("max_budget").asInt());
        assertTrue(info.get("created_at").isTextual());
        // an unknown id is created (update_data upserts the user row), not refused
        Reply upserted = post(litellm, "/user/update", "{\"user_id\":\"bob\",\"max_budget\":5}");
        assertEquals(200, upserted.status(), upserted.body());
        JsonNode bob = json(get("/user/info", Map.of("user_id", "bob"))).get("user_info");
        assertEquals("bob", bob.get("user_id").asText());
        assertEquals(5, bob.get("max_budget").asInt());
        assertLiteLlmError(post(litellm, "/user/update", "{\"user_id\":\"alice\",\"budget_duration\":\"monthly\"}"),
                400, "budget_duration", "Invalid");
    }

    @Test
    void newUserOfAnExistingIdKeepsTheOldRowOn180() {
        LiteLlmSimulator old = new LiteLlmSimulator(MASTER, true, LiteLlmSimulator.Line.V1_80);
        post(old, "/user/new", "{\"user_id\":\"alice\",\"max_budget\":10,\"auto_create_key\":false}");
        Reply again = post(old, "/user/new", "{\"user_id\":\"alice\",\"max_budget\":99,\"auto_create_key\":false}");
        assertEquals(200, again.status());
        JsonNode info = json(old.handle("GET", "/user/info", Map.of("user_id", "alice"), "Bearer " + MASTER, null));
        assertEquals(10, info.get("user_info").get("max_budget").asInt());
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
            // LiteLLM echoes the key as given and removes the hash from the row
            assertEquals(lookup, info.get("key").asText());
            assertTrue(info.get("info").path("token").isMissingNode());
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
        // LiteLLM's exact words (_enforce_unique_key_alias); UpstreamErrors.isAliasTaken (client/) recognises them
        assertLiteLlmError(post(litellm, "/key/generate", "{\"user_id\":\"bob\",\"key_alias\":\"shared\"}"), 400,
                "key_alias", "Key with alias 'shared' already exists. Unique key aliases across all keys are required.");
        String other = generate("{\"user_id\":\"bob\",\"key_alias\":\"mine\"}").get("token").asText();
        assertLiteLlmError(post(litellm, "/key/update", "{\"key\":\"" + other + "\",\"key_alias\":\"shared\"}"), 400,
                "key_alias", "already exists");
        // /user/delete of an unknown id: delete_user's 404 "User not found, passed user_id=…", nothing deleted
        assertLiteLlmError(post(litellm, "/user/delete", "{\"user_ids\":[\"nobody\"]}"), 404, "user_ids",
                "User not found, passed user_id=nobody");
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
    void updateChangesOnlyTheGivenFieldsAndAnswersWhatItWrote() {
        String token = generate("{\"user_id\":\"alice\",\"models\":[\"gpt-4o\"],\"metadata\":{\"a\":1}}")
                .get("token").asText();
        Reply updated = post(litellm, "/key/update", "{\"key\":\"" + token + "\",\"key_alias\":\"ci\"}");
        assertEquals(200, updated.status());
        JsonNode answer = json(updated);
        assertEquals("ci", answer.get("key_alias").asText());
        assertEquals(token, answer.get("key").asText());
        assertEquals(1, answer.get("metadata").get("a").asInt());
        assertTrue(answer.path("models").isMissingNode(), answer.toString());

        post(litellm, "/key/update", "{\"key\":\"" + token + "\",\"metadata\":{\"team\":\"x\"}}");
        JsonNode row = json(get("/key/info", Map.of("key", token))).get("info");
        assertEquals(JSON.createObjectNode().put("team", "x"), row.get("metadata"));
        assertEquals("gpt-4o", row.get("models").get(0).asText());
    }

    @Test
    void updateOfAKeyThatIsGoneIsLiteLlms401() {
        assertLiteLlmError(post(litellm, "/key/update", "{\"key\":\"" + "1".repeat(64) + "\",\"key_alias\":\"x\"}"),
                401, "None", "invalid user key - user key does not exist in db");
    }

    @Test
    void blockAndUnblockTakeTheHashOrTheSecretAndAnswerTheRow() {
        JsonNode key = generate("{\"user_id\":\"alice\"}");
        String token = key.get("token").asText();
        Reply blocked = post(litellm, "/key/block", "{\"key\":\"" + token + "\"}");
        assertEquals(200, blocked.status());
        assertTrue(json(blocked).get("blocked").asBoolean());
        assertEquals(token, json(blocked).get("token").asText());
        assertTrue(json(get("/key/info", Map.of("key", token))).get("info").get("blocked").asBoolean());

        Reply unblocked = post(litellm, "/key/unblock", "{\"key\":\"" + key.get("key").asText() + "\"}");
        assertEquals(200, unblocked.status());
        assertTrue(!json(get("/key/info", Map.of("key", token))).get("info").get("blocked").asBoolean());

        assertLiteLlmError(post(litellm, "/key/block", "{\"key\":\"" + "2".repeat(64) + "\"}"), 401, "key",
                "key=" + "2".repeat(64) + ", not found in db");
        assertLiteLlmError(post(litellm, "/key/block", "{\"key\":\"not-a-key\"}"), 400, "key", "Invalid key format");
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

    /**
     * regenerate_key_fn updates the row in place: its metadata stays unless the request names metadata, which then
     * replaces it (prepare_key_update_data → prepare_metadata_fields). Key references rely on both.
     */
    @Test
    void regenerateKeepsTheRowsMetadataUnlessItIsSentAndThenReplacesIt() {
        JsonNode old = generate("{\"user_id\":\"alice\",\"metadata\":{\"ref\":\"a\",\"team\":\"x\"}}");
        JsonNode kept = json(post(litellm, "/key/" + old.get("token").asText() + "/regenerate", "{}"));
        assertEquals(Map.of("ref", "a", "team", "x"), JSON.convertValue(json(get("/key/info",
                Map.of("key", kept.get("token").asText()))).get("info").get("metadata"), Map.class));
        JsonNode replaced = json(post(litellm, "/key/" + kept.get("token").asText() + "/regenerate",
                "{\"metadata\":{\"ref\":\"a\"}}"));
        assertEquals(Map.of("ref", "a"), JSON.convertValue(json(get("/key/info",
                Map.of("key", replaced.get("token").asText()))).get("info").get("metadata"), Map.class));
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

    // --- rotation: regenerate, grace periods, expiry, chosen secrets ------------------------------------------

    /** A clock tests move by hand. */
    private static final class ManualClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-12-01T10:00:00Z");

        void advance(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    private static int useKey(LiteLlmSimulator sim, String secret) {
        return sim.handle("GET", "/v1/models", Map.of(), "Bearer " + secret, null).status();
    }

    @Test
    void openSourceRegenerateIsTheEnterpriseFiveHundred() {
        LiteLlmSimulator oss = new LiteLlmSimulator(MASTER, false);
        JsonNode key = json(post(oss, "/key/generate", "{}"));
        assertLiteLlmError(post(oss, "/key/" + key.get("token_id").asText() + "/regenerate", "{}"), 500, "None",
                "Regenerating Virtual Keys is an Enterprise feature");
    }

    @Test
    void theProxysGracePeriodKeepsAnOldSecretUnlessTheRequestSaysZero() {
        ManualClock clock = new ManualClock();
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, "24h", clock);
        JsonNode first = json(post(sim, "/key/generate", "{}"));
        JsonNode second = json(post(sim, "/key/generate", "{}"));

        // no grace_period: LITELLM_KEY_ROTATION_GRACE_PERIOD keeps the old secret for 24h
        post(sim, "/key/" + first.get("token_id").asText() + "/regenerate", "{}");
        assertEquals(200, useKey(sim, first.get("key").asText()));
        clock.advance(java.time.Duration.ofHours(25));
        assertEquals(401, useKey(sim, first.get("key").asText()));

        // grace_period "0s": revoked at once
        JsonNode rotated = json(post(sim, "/key/" + second.get("token_id").asText() + "/regenerate",
                "{\"grace_period\":\"0s\"}"));
        assertEquals(401, useKey(sim, second.get("key").asText()));
        assertEquals(200, useKey(sim, rotated.get("key").asText()));
    }

    @Test
    void anExpiredKeyIsRefusedAndUpdateWithDurationSetsExpiry() {
        ManualClock clock = new ManualClock();
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, null, clock);
        JsonNode key = json(post(sim, "/key/generate", "{\"duration\":\"1h\"}"));
        String secret = key.get("key").asText();
        assertEquals(200, useKey(sim, secret));

        assertEquals(200, post(sim, "/key/update", "{\"key\":\"" + key.get("token_id").asText()
                + "\",\"duration\":\"10m\"}").status());
        JsonNode info = json(sim.handle("GET", "/key/info", Map.of("key", key.get("token_id").asText()),
                "Bearer " + MASTER, null)).get("info");
        assertEquals(clock.instant().plus(java.time.Duration.ofMinutes(10)).toString(), info.get("expires").asText());
        clock.advance(java.time.Duration.ofMinutes(11));
        Reply refused = sim.handle("GET", "/v1/models", Map.of(), "Bearer " + secret, null);
        assertLiteLlmError(refused, 400, "sk-..." + secret.substring(secret.length() - 4), "Expired Key");
        assertEquals(401, useKey(sim, "sk-never-issued"));
    }

    @Test
    void aChosenSecretIsInsertedOnceAndLaterInsertsChangeNothing() {
        String body = "{\"key\":\"sk-chosen-1\",\"metadata\":{\"nonce\":\"%s\"},\"blocked\":true}";
        JsonNode first = json(post(litellm, "/key/generate", body.formatted("a")));
        JsonNode second = json(post(litellm, "/key/generate", body.formatted("b")));
        // LiteLLM's upsert(create, update={}): both answer 200, the row keeps the first writer's values
        assertEquals(first.get("token_id"), second.get("token_id"));
        JsonNode stored = json(get("/key/info", Map.of("key", first.get("token_id").asText()))).get("info");
        assertEquals("a", stored.path("metadata").path("nonce").asText());
        assertEquals(1, litellm.keyCount());
        assertEquals(401, useKey(litellm, "sk-chosen-1"), "a blocked key is refused");
    }

    // --- the per-replica key cache (auth_checks.get_key_object, _delete_cache_key_object) ---------------------

    @Test
    void authServesTheCachedRowUntilItsTtlWithoutReadingTheDatabase() {
        ManualClock clock = new ManualClock();
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, null, clock);
        JsonNode key = json(post(sim, "/key/generate", "{}"));
        String secret = key.get("key").asText();
        String hash = key.get("token_id").asText();
        assertEquals(200, useKey(sim, secret));
        assertTrue(sim.cached(hash));
        // /key/update given the hash evicts sha256(hash): the cached row (unblocked) is still served
        assertEquals(200, post(sim, "/key/update", "{\"key\":\"" + hash + "\",\"blocked\":true}").status());
        assertEquals(200, useKey(sim, secret), "the stale cached row is served");
        clock.advance(LiteLlmSimulator.CACHE_TTL);
        assertEquals(401, useKey(sim, secret), "after the TTL the row is read again, blocked");
    }

    @Test
    void regenerateGivenTheHashLeavesTheOldSecretWorkingFromTheCacheGivenTheSecretItDoesNot() {
        ManualClock clock = new ManualClock();
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, null, clock);
        JsonNode byHash = json(post(sim, "/key/generate", "{}"));
        assertEquals(200, useKey(sim, byHash.get("key").asText()));
        JsonNode rotated = json(post(sim, "/key/" + byHash.get("token_id").asText() + "/regenerate",
                "{\"grace_period\":\"0s\"}"));
        assertEquals(200, useKey(sim, byHash.get("key").asText()), "evicted sha256(hash): still cached");
        assertEquals(200, useKey(sim, rotated.get("key").asText()));
        clock.advance(LiteLlmSimulator.CACHE_TTL);
        assertEquals(401, useKey(sim, byHash.get("key").asText()));

        JsonNode bySecret = json(post(sim, "/key/generate", "{}"));
        assertEquals(200, useKey(sim, bySecret.get("key").asText()));
        post(sim, "/key/" + bySecret.get("key").asText() + "/regenerate", "{\"grace_period\":\"0s\"}");
        assertEquals(401, useKey(sim, bySecret.get("key").asText()), "hash_token(secret) is the real entry");
    }

    @Test
    void blockRewritesTheCachedRowUnderTheRealHashAndDeleteEvictsIt() {
        ManualClock clock = new ManualClock();
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, null, clock);
        JsonNode key = json(post(sim, "/key/generate", "{}"));
        String secret = key.get("key").asText();
        String hash = key.get("token_id").asText();
        assertEquals(200, useKey(sim, secret));
        assertEquals(200, post(sim, "/key/block", "{\"key\":\"" + hash + "\"}").status());
        assertEquals(401, useKey(sim, secret), "blocked at once");
        // a regenerate after the block: the old hash's cached row still says blocked, the row kept its column
        JsonNode rotated = json(post(sim, "/key/" + hash + "/regenerate", "{\"grace_period\":\"0s\",\"blocked\":false}"));
        assertEquals(401, useKey(sim, secret));
        assertEquals(200, useKey(sim, rotated.get("key").asText()), "the new key carries blocked=false");
        assertEquals(200, post(sim, "/key/unblock", "{\"key\":\"" + rotated.get("token_id").asText() + "\"}").status());

        JsonNode other = json(post(sim, "/key/generate", "{}"));
        assertEquals(200, useKey(sim, other.get("key").asText()));
        post(sim, "/key/delete", "{\"keys\":[\"" + other.get("token_id").asText() + "\"]}");
        assertFalse(sim.cached(other.get("token_id").asText()));
        assertEquals(401, useKey(sim, other.get("key").asText()), "delete evicts the hash it is given");
    }
}

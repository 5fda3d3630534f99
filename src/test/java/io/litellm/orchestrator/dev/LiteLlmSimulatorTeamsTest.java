package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.litellm.orchestrator.dev.LiteLlmSimulator.Reply;

/** The simulator answers teams as LiteLLM's team_endpoints do, and keys carry and filter by team_id. */
class LiteLlmSimulatorTeamsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "sk-sim-master";

    private final LiteLlmSimulator litellm = new LiteLlmSimulator(MASTER, true);

    private Reply post(String path, String body) {
        return litellm.handle("POST", path, Map.of(), "Bearer " + MASTER, body);
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

    @Test
    void unknownTeamIs404AndATeamIsCreatedOnce() {
        Reply unknown = get("/team/info", Map.of("team_id", "grp-1"));
        assertEquals(404, unknown.status());
        assertTrue(json(unknown).at("/error/message").asText().contains("Team not found"));
        assertEquals("404", json(unknown).at("/error/code").asText());

        Reply created = post("/team/new", """
                {"team_id":"grp-1","team_alias":"group:default/platform","max_budget":20,"budget_duration":"30d",
                 "models":["gpt-4o"],"metadata":{"groupRef":"group:default/platform"}}""");
        assertEquals(200, created.status(), created.body());
        assertEquals("grp-1", json(created).get("team_id").asText());

        Reply again = post("/team/new", "{\"team_id\":\"grp-1\"}");
        assertEquals(400, again.status());
        assertTrue(json(again).at("/error/message").asText().contains("already exists"));

        JsonNode info = json(get("/team/info", Map.of("team_id", "grp-1")));
        assertEquals("grp-1", info.get("team_id").asText());
        assertEquals(20.0, info.at("/team_info/max_budget").asDouble());
        assertEquals("gpt-4o", info.at("/team_info/models/0").asText());
        assertEquals(0.0, info.at("/team_info/spend").asDouble());
    }

    @Test
    void teamUpdateChangesOnlyWhatIsSentAndUnknownTeamIs404() {
        post("/team/new", "{\"team_id\":\"grp-2\",\"max_budget\":5,\"budget_duration\":\"7d\"}");
        Reply updated = post("/team/update", "{\"team_id\":\"grp-2\",\"max_budget\":50}");
        assertEquals(200, updated.status(), updated.body());
        JsonNode team = json(get("/team/info", Map.of("team_id", "grp-2"))).get("team_info");
        assertEquals(50.0, team.get("max_budget").asDouble());
        assertEquals("7d", team.get("budget_duration").asText());
        assertEquals(404, post("/team/update", "{\"team_id\":\"grp-none\",\"max_budget\":1}").status());
    }

    @Test
    void teamKeysHaveNoUserAndListByTeam() {
        post("/team/new", "{\"team_id\":\"grp-3\"}");
        JsonNode teamKey = json(post("/key/generate", "{\"team_id\":\"grp-3\",\"metadata\":{\"createdBy\":\"jane\"}}"));
        json(post("/key/generate", "{\"user_id\":\"jane\"}"));
        JsonNode listed = json(get("/key/list", Map.of("team_id", "grp-3", "return_full_object", "true")));
        assertEquals(1, listed.get("keys").size());
        JsonNode row = listed.at("/keys/0");
        assertEquals(teamKey.get("token").asText(), row.get("token").asText());
        assertTrue(row.get("user_id").isNull());
        assertEquals("grp-3", row.get("team_id").asText());
        assertEquals("jane", row.at("/metadata/createdBy").asText());
    }
}

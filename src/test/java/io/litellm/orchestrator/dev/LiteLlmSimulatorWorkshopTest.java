package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.litellm.orchestrator.dev.LiteLlmSimulator.Reply;

/** What workshops need of the simulator: the unfiltered key list with metadata, and user deletion with their keys. */
class LiteLlmSimulatorWorkshopTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "sk-sim-master";
    private final LiteLlmSimulator litellm = new LiteLlmSimulator(MASTER, true);

    private Reply call(String method, String path, Map<String, String> query, String body) {
        return litellm.handle(method, path, query, "Bearer " + MASTER, body);
    }

    private JsonNode json(Reply reply) throws Exception {
        assertEquals(200, reply.status(), reply.body());
        return JSON.readTree(reply.body());
    }

    @Test
    void unfilteredListShowsWorkshopMetadataAndUserDeletionTakesTheKeys() throws Exception {
        json(call("POST", "/user/new", Map.of(), "{\"user_id\":\"p1@ws.example.com\",\"auto_create_key\":false}"));
        json(call("POST", "/key/generate", Map.of(),
                "{\"user_id\":\"p1@ws.example.com\",\"key_alias\":\"ws-p1@ws.example.com\",\"metadata\":{\"workshop\":\"ws\"}}"));
        JsonNode all = json(call("GET", "/key/list", Map.of("return_full_object", "true", "size", "100"), null));
        assertEquals("ws", all.get("keys").get(0).get("metadata").get("workshop").asText());

        json(call("POST", "/user/delete", Map.of(), "{\"user_ids\":[\"p1@ws.example.com\"]}"));
        assertEquals(0, litellm.keyCount());
        // the simulator answers as current LiteLLM: an unknown user is a 404
        assertEquals(404, call("GET", "/user/info", Map.of("user_id", "p1@ws.example.com"), null).status());
        assertEquals(404, call("POST", "/user/delete", Map.of(), "{\"user_ids\":[\"nobody\"]}").status());
    }
}

package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.litellm.orchestrator.dev.LiteLlmSimulator.Reply;

/**
 * Metadata written through {@code /key/update} and {@code /user/update} replaces the stored object, as LiteLLM's
 * prepare_key_update_data / prepare_metadata_fields do (what the lifecycle scan's read-modify-write relies on); an
 * empty {@code {}} on {@code /user/update} is dropped by _update_internal_user_params and changes nothing.
 */
class LiteLlmSimulatorMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "sk-sim-master";

    private final LiteLlmSimulator litellm = new LiteLlmSimulator(MASTER, true);

    private JsonNode post(String path, String body) {
        Reply reply = litellm.handle("POST", path, Map.of(), "Bearer " + MASTER, body);
        assertEquals(200, reply.status(), reply.body());
        return read(reply);
    }

    private JsonNode get(String path, Map<String, String> query) {
        Reply reply = litellm.handle("GET", path, query, "Bearer " + MASTER, null);
        assertEquals(200, reply.status(), reply.body());
        return read(reply);
    }

    private static JsonNode read(Reply reply) {
        try {
            return JSON.readTree(reply.body());
        } catch (Exception e) {
            throw new AssertionError(reply.body(), e);
        }
    }

    @Test
    void keyMetadataIsReplacedWhole() {
        String token = post("/key/generate", "{\"user_id\":\"alice\",\"metadata\":{\"a\":1,\"b\":2}}").get("token")
                .asText();
        post("/key/update", "{\"key\":\"" + token + "\",\"metadata\":{\"b\":3}}");
        JsonNode metadata = get("/key/info", Map.of("key", token)).at("/info/metadata");
        assertFalse(metadata.has("a"));
        assertEquals(3, metadata.get("b").asInt());
    }

    @Test
    void userMetadataIsReplacedWholeAndAnEmptyObjectIsIgnored() {
        post("/user/new", "{\"user_id\":\"alice\"}");
        post("/user/update", "{\"user_id\":\"alice\",\"metadata\":{\"a\":1,\"b\":2}}");
        post("/user/update", "{\"user_id\":\"alice\",\"metadata\":{\"b\":3}}");
        JsonNode metadata = get("/user/info", Map.of("user_id", "alice")).at("/user_info/metadata");
        assertFalse(metadata.has("a"));
        assertEquals(3, metadata.get("b").asInt());

        post("/user/update", "{\"user_id\":\"alice\",\"metadata\":{}}");
        assertEquals(3, get("/user/info", Map.of("user_id", "alice")).at("/user_info/metadata/b").asInt());
    }
}

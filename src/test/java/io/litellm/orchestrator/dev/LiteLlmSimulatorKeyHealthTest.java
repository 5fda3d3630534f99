package io.litellm.orchestrator.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.litellm.orchestrator.dev.LiteLlmSimulator.Line;
import io.litellm.orchestrator.dev.LiteLlmSimulator.Reply;

/**
 * The data the expiring-keys filters read, as the simulator keeps it: {@code expires} counted as LiteLLM's
 * {@code duration_in_seconds} does (calendar months), {@code spend} and {@code max_budget} as stored, and
 * {@code last_active} on the current line only.
 */
class LiteLlmSimulatorKeyHealthTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "sk-sim-master";
    private static final Instant JAN_31 = Instant.parse("2027-01-31T12:00:00Z");

    private static JsonNode call(LiteLlmSimulator sim, String method, String path, Map<String, String> query,
            String auth, String body) {
        Reply reply = sim.handle(method, path, query, auth, body);
        try {
            return JSON.readTree(reply.body());
        } catch (Exception e) {
            throw new AssertionError(reply.body(), e);
        }
    }

    private static JsonNode row(LiteLlmSimulator sim, String token) {
        return call(sim, "GET", "/key/info", Map.of("key", token), "Bearer " + MASTER, null).path("info");
    }

    @Test
    void aOneMonthKeyMadeOnThe31stExpiresOnTheLastDayOfFebruary() {
        LiteLlmSimulator sim = new LiteLlmSimulator(MASTER, true, null, Clock.fixed(JAN_31, ZoneOffset.UTC));
        JsonNode made = call(sim, "POST", "/key/generate", Map.of(), "Bearer " + MASTER,
                "{\"user_id\":\"ivy\",\"duration\":\"1mo\",\"max_budget\":10,\"spend\":9.5}");

        JsonNode row = row(sim, made.path("token").asText());
        assertEquals(Instant.parse("2027-02-28T12:00:00Z"), Instant.parse(row.path("expires").asText()));
        assertEquals(9.5, row.path("spend").asDouble());
        assertEquals(10.0, row.path("max_budget").asDouble());
    }

    @Test
    void lastActiveIsOnTheCurrentLinesRowsAndMovesWhenTheKeyIsUsed() {
        LiteLlmSimulator current = new LiteLlmSimulator(MASTER, true, Line.CURRENT);
        JsonNode made = call(current, "POST", "/key/generate", Map.of(), "Bearer " + MASTER, "{\"user_id\":\"ivy\"}");
        String token = made.path("token").asText();
        assertTrue(row(current, token).has("last_active"));
        assertTrue(row(current, token).path("last_active").isNull());

        call(current, "GET", "/v1/models", Map.of(), "Bearer " + made.path("key").asText(), null);
        assertFalse(row(current, token).path("last_active").isNull());

        LiteLlmSimulator old = new LiteLlmSimulator(MASTER, true, Line.V1_80);
        JsonNode oldMade = call(old, "POST", "/key/generate", Map.of(), "Bearer " + MASTER, "{\"user_id\":\"ivy\"}");
        assertFalse(row(old, oldMade.path("token").asText()).has("last_active"));
    }
}

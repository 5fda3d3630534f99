package io.litellm.orchestrator.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.service.KeyRefs;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Key rows with chosen properties for {@code /key/info}, and what the app sent to LiteLLM, in order.
 */
public final class KeyFixtures {

    /**
     * What a key's first rotation stamps on the metadata it sends (its reference, the rotation count and time), as
     * WireMock json-unit placeholders to put inside an expected {@code metadata} object.
     */
    public static final String FIRST_ROTATION_STAMP = "\"" + KeyRefs.REF + "\":\"${json-unit.regex}" + KeyRefs.KEY_REF
            + "\",\"" + KeyRefs.ROTATIONS + "\":1,\"" + KeyRefs.ROTATED_AT + "\":\"${json-unit.any-string}\"";

    /** {@code metadata} without the stamp of a key's first rotation, after checking that the stamp is there. */
    public static ObjectNode unstamped(JsonNode metadata) {
        assertTrue(metadata.path(KeyRefs.REF).asText("").matches(KeyRefs.KEY_REF), "a key reference: " + metadata);
        assertEquals(1, metadata.path(KeyRefs.ROTATIONS).asInt(), "one rotation on record: " + metadata);
        assertTrue(metadata.path(KeyRefs.ROTATED_AT).isTextual(), "the rotation's time: " + metadata);
        ObjectNode rest = metadata.deepCopy();
        rest.remove(KeyRefs.OWNED);
        return rest;
    }

    public static final ObjectMapper JSON = new ObjectMapper();

    private KeyFixtures() {
    }

    /** A key row of LiteLLM v1.80 ({@code LiteLLM_VerificationToken}); {@code overrides} is JSON merged on top. */
    public static ObjectNode row(String hash, String userId, String overrides) {
        ObjectNode row = (ObjectNode) read("""
                {"token":"%1$s","key_name":"sk-...abcd","key_alias":"laptop","user_id":"%2$s","team_id":null,
                 "spend":0.5,"max_budget":5.0,"budget_duration":null,"models":[],"blocked":null,
                 "metadata":{"orchestrator_key_ref":"%3$s"},"tpm_limit":null,"rpm_limit":null,
                 "max_parallel_requests":null,"created_at":"2026-11-02T09:00:00Z","expires":null}
                """.formatted(hash, userId, LiteLlmStubs.KEY_REF));
        row.setAll((ObjectNode) read(overrides));
        return row;
    }

    /** {@code /key/info} answers this row for its token, without the token as LiteLLM does. */
    public static void keyInfo(ObjectNode row) {
        String hash = row.path("token").asText();
        ObjectNode info = row.deepCopy();
        info.remove("token");
        litellm().stubFor(get(urlPathEqualTo("/key/info")).withQueryParam("key", equalTo(hash))
                .willReturn(okJson("{\"key\":\"" + hash + "\",\"info\":" + info + "}")));
    }

    /** LiteLLM's error body with a status. */
    public static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "x").putNull("param").put("code", "" + status);
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    /**
     * Every request LiteLLM received, oldest first, as {@code METHOD url}; the calls of a rotation claim as
     * {@code CLAIM take}, {@code CLAIM check}, {@code CLAIM release}.
     */
    public static List<String> calls() {
        return events().stream().map(e -> {
            var request = e.getRequest();
            if (RotationClaimStubs.isClaimCall(request)) {
                return request.getUrl().startsWith("/key/generate") ? "CLAIM take"
                        : request.getUrl().startsWith("/key/info") ? "CLAIM check" : "CLAIM release";
            }
            return request.getMethod() + " " + request.getUrl();
        }).toList();
    }

    /** Bodies of the POSTs to {@code path}, oldest first, rotation claims left out. */
    public static List<JsonNode> bodies(String path) {
        return events().stream()
                .filter(e -> e.getRequest().getUrl().equals(path))
                .filter(e -> !RotationClaimStubs.isClaimCall(e.getRequest()))
                .map(e -> read(e.getRequest().getBodyAsString())).toList();
    }

    private static List<ServeEvent> events() {
        List<ServeEvent> events = new ArrayList<>(litellm().getAllServeEvents());
        Collections.reverse(events);
        return events;
    }

    public static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

package io.litellm.orchestrator.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * LiteLLM's key table for rotation claims only, inside WireMock: {@code /key/generate} with a chosen secret inserts
 * the row once (LiteLLM's {@code upsert(create, update={})}: later inserts change nothing), {@code /key/info} reads
 * it, {@code /key/delete} removes it. Every other key call goes to the test's own stubs. Installed after each reset.
 */
public final class RotationClaimStubs implements ResponseDefinitionTransformerV2 {

    static final String NAME = "rotation-claims";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Claim rows by token, for every test of the run (tokens derive from distinct key ids). */
    static final Map<String, ObjectNode> ROWS = new ConcurrentHashMap<>();
    /** Every claim token ever inserted, so calls can be told apart after a claim was released. */
    static final java.util.Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    /** The stubs, at a higher priority than any test's own. */
    public static void install() {
        var litellm = LiteLlmStubs.litellm();
        ROWS.clear();
        litellm.stubFor(post(urlPathEqualTo("/key/generate")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.metadata.orchestrator_rotation_claim"))
                .willReturn(aResponse().withTransformers(NAME)));
        litellm.stubFor(get(urlPathEqualTo("/key/info")).atPriority(1)
                // /key/info without key (the caller's own credential) is never a claim
                .andMatching(request -> MatchResult.of(request.queryParameter("key").isPresent()
                        && isClaim(request.queryParameter("key").firstValue())))
                .willReturn(aResponse().withTransformers(NAME)));
        litellm.stubFor(post(urlPathEqualTo("/key/delete")).atPriority(1)
                .andMatching(request -> MatchResult.of(isClaim(firstDeleted(request))))
                .willReturn(aResponse().withTransformers(NAME)));
    }

    public static boolean isClaim(String token) {
        return token != null && ROWS.containsKey(token);
    }

    /** Whether a recorded call concerns a claim. */
    public static boolean isClaimCall(Request request) {
        String url = request.getUrl();
        if (url.startsWith("/key/generate")) {
            return request.getBodyAsString().contains("orchestrator_rotation_claim");
        }
        if (url.startsWith("/key/info")) {
            return request.queryParameter("key").isPresent() && KNOWN.contains(request.queryParameter("key").firstValue());
        }
        return url.startsWith("/key/delete") && KNOWN.contains(firstDeleted(request));
    }

    private static String firstDeleted(Request request) {
        try {
            return JSON.readTree(request.getBodyAsString()).path("keys").path(0).asText(null);
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        try {
            if (request.getUrl().startsWith("/key/generate")) {
                JsonNode body = JSON.readTree(request.getBodyAsString());
                String secret = body.path("key").asText();
                String token = sha256(secret);
                ObjectNode row = JSON.createObjectNode().put("token", token).putNull("user_id")
                        .put("blocked", true).put("max_budget", 0.0);
                row.set("metadata", body.path("metadata"));
                long seconds = Long.parseLong(body.path("duration").asText("60s").replace("s", ""));
                row.put("expires", Instant.now().plusSeconds(seconds).toString());
                ROWS.putIfAbsent(token, row);
                KNOWN.add(token);
                return json("{\"key\":\"" + secret + "\",\"token\":\"" + token + "\"}");
            }
            if (request.getUrl().startsWith("/key/info")) {
                String token = request.queryParameter("key").firstValue();
                return json("{\"key\":\"" + token + "\",\"info\":" + ROWS.get(token) + "}");
            }
            String token = firstDeleted(request);
            ROWS.remove(token);
            return json("{\"deleted_keys\":[\"" + token + "\"]}");
        } catch (Exception e) {
            return new ResponseDefinition(500, e.toString());
        }
    }

    private static ResponseDefinition json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body).build();
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.litellm.orchestrator.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A body for {@code /key/update} (the key named by its hash) or {@code /key/generate} (the new key's secret), built
 * by rule rather than from a fixed record. LiteLLM sets a field it receives, even to null, and keeps one that is not
 * sent: only what is set here is sent.
 */
public final class KeyBody {

    private static final String KEY = "key";
    private static final String DURATION = "duration";
    /** LiteLLM's {@code duration} for "never expires" ({@code /key/update} sets {@code expires} to null). */
    private static final String NEVER = "-1";

    /**
     * Our camelCase field names in snake case, absent fields left out. A plain mapper on purpose: it must not share
     * the REST layer's settings, and map keys (metadata) keep their spelling.
     */
    private static final ObjectMapper CHANGES = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final ObjectNode json = JsonNodeFactory.instance.objectNode();

    private KeyBody(String key) {
        json.put(KEY, key);
    }

    /**
     * Key changes named as our API names them ({@code keyAlias}, {@code maxBudget}, …) as LiteLLM's
     * {@code UpdateKeyRequest} / {@code RegenerateKeyRequest} fields ({@code key_alias}, {@code max_budget}, …),
     * without {@code key}. Only the fields that were given: LiteLLM sets a field it receives, even to null.
     */
    public static ObjectNode fieldsOf(Object changes) {
        return CHANGES.valueToTree(changes);
    }

    /** A change of the key with this hash. */
    public static KeyBody update(String keyHash) {
        return new KeyBody(keyHash);
    }

    /** A new key with this secret. */
    public static KeyBody generate(String secret) {
        return new KeyBody(secret);
    }

    /** The alias to set; null clears it (sent as an explicit null). */
    public KeyBody alias(String alias) {
        if (alias == null) {
            json.putNull(KeyRow.ALIAS);
        } else {
            json.put(KeyRow.ALIAS, alias);
        }
        return this;
    }

    /** A lifetime from now, in seconds. */
    public KeyBody expiresIn(long seconds) {
        json.put(DURATION, seconds + "s");
        return this;
    }

    /** No expiry any more. */
    public KeyBody neverExpires() {
        json.put(DURATION, NEVER);
        return this;
    }

    /** Whether this body lifts the key's expiry. */
    public boolean liftsExpiry() {
        return NEVER.equals(json.path(DURATION).asText(null));
    }

    /** Leaves the key's expiry as it is. */
    public KeyBody keepExpiry() {
        json.remove(DURATION);
        return this;
    }

    public KeyBody metadata(JsonNode metadata) {
        json.set(KeyRow.METADATA, metadata);
        return this;
    }

    /** A new, empty metadata object of this body, to fill. */
    public ObjectNode newMetadata() {
        return json.putObject(KeyRow.METADATA);
    }

    public KeyBody blocked(boolean blocked) {
        json.put(KeyRow.BLOCKED, blocked);
        return this;
    }

    public KeyBody maxBudget(double maxBudget) {
        json.put(KeyRow.MAX_BUDGET, maxBudget);
        return this;
    }

    /** More fields, in LiteLLM's names (a request's changes). */
    public KeyBody with(ObjectNode fields) {
        json.setAll(fields);
        return this;
    }

    public boolean sendsNothing() {
        return json.size() <= 1;
    }

    public KeyBody copy() {
        KeyBody copy = new KeyBody(json.path(KEY).asText());
        copy.json.setAll(json.deepCopy());
        return copy;
    }

    public ObjectNode json() {
        return json;
    }

    /**
     * {@code /key/{key}/regenerate}'s body that kills the old secret now: the changes ({@code fields}, LiteLLM's
     * names), {@code grace_period} "0s" (not absent or empty: LiteLLM falls back to LITELLM_KEY_ROTATION_GRACE_PERIOD
     * for those, which would keep the old secret alive), and {@code blocked} explicitly: regenerate keeps the row's
     * columns, and the old key was blocked just before (the requested value, else the old key's).
     */
    public static ObjectNode regenerateNow(ObjectNode fields, boolean wasBlocked) {
        ObjectNode body = fields.deepCopy();
        body.put("grace_period", "0s");
        if (!body.hasNonNull(KeyRow.BLOCKED)) {
            body.put(KeyRow.BLOCKED, wasBlocked);
        }
        return body;
    }
}

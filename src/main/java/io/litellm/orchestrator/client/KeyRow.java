package io.litellm.orchestrator.client;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A typed view of one LiteLLM key row ({@code LiteLLM_VerificationToken} as {@code /key/info} and {@code /key/list}
 * show it). It wraps the row rather than copying it: our answers pass LiteLLM's row through with fields added, so the
 * JSON stays the one truth, and only this class names its columns.
 */
public final class KeyRow {

    public static final String TOKEN = "token";
    public static final String USER_ID = "user_id";
    public static final String TEAM_ID = "team_id";
    public static final String ALIAS = "key_alias";
    public static final String METADATA = "metadata";
    public static final String BLOCKED = "blocked";
    public static final String EXPIRES = "expires";
    public static final String SPEND = "spend";
    public static final String MAX_BUDGET = "max_budget";
    public static final String MODELS = "models";
    public static final String BUDGET_RESET_AT = "budget_reset_at";
    /** Fields of a key row that may hold a secret; they never leave the orchestrator. */
    private static final List<String> SECRET_FIELDS = List.of("key", "api_key");

    private final ObjectNode json;

    private KeyRow(ObjectNode json) {
        this.json = json;
    }

    public static KeyRow of(ObjectNode json) {
        return new KeyRow(json);
    }

    /** A view of any listed entry: a row, or (a bare hash, nothing) a row without fields. */
    public static KeyRow view(JsonNode json) {
        return new KeyRow(json != null && json.isObject() ? (ObjectNode) json : JsonNodeFactory.instance.objectNode());
    }

    /**
     * One entry of a {@code /key/list} page, without secrets: a full row, or (LiteLLM without
     * {@code return_full_object}) a bare hash, shown as a row with only its token.
     */
    public static KeyRow listed(JsonNode key) {
        if (key.isObject()) {
            return of((ObjectNode) key).withoutSecrets();
        }
        return of(JsonNodeFactory.instance.objectNode().put(TOKEN, key.asText()));
    }

    /** The row itself, as LiteLLM gave it (with what we added). */
    public ObjectNode json() {
        return json;
    }

    /** Removes the fields that may hold a secret, in place. */
    public KeyRow withoutSecrets() {
        json.remove(SECRET_FIELDS);
        return this;
    }

    /** The key's id (its hash); null when the row does not say. */
    public String token() {
        return json.path(TOKEN).asText(null);
    }

    /** Sets the key's id: {@code /key/info} and {@code /key/update} leave the hash out of the row. */
    public KeyRow withToken(String keyId) {
        json.put(TOKEN, keyId);
        return this;
    }

    public String userId() {
        return json.path(USER_ID).asText(null);
    }

    /** Whether the row has no user ({@code user_id} null or absent): a team key, or one of nobody. */
    public boolean hasNoUser() {
        return json.path(USER_ID).isNull() || json.path(USER_ID).isMissingNode();
    }

    public String teamId() {
        return json.path(TEAM_ID).asText(null);
    }

    /** Whether the row belongs to {@code userId} (a row without the column counts: the listing asked by owner). */
    public boolean listedFor(Owner owner, String id) {
        JsonNode value = json.path(owner == Owner.USER ? USER_ID : TEAM_ID);
        return value.isMissingNode() || id.equals(value.asText());
    }

    /** Whose id a listing filters by. */
    public enum Owner {
        USER, TEAM
    }

    /** The alias as LiteLLM gives it; null when absent or null. */
    public String alias() {
        return json.path(ALIAS).asText(null);
    }

    /** The alias when it is a non-empty text; null otherwise. */
    public String aliasText() {
        JsonNode value = json.path(ALIAS);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    /** Whether the row holds an alias (a text, possibly empty). */
    public boolean hasAlias() {
        return json.path(ALIAS).isTextual();
    }

    public boolean blocked() {
        return json.path(BLOCKED).asBoolean(false);
    }

    /** The key's own metadata object (missing node when it has none). */
    public JsonNode metadata() {
        return json.path(METADATA);
    }

    /** A field of the key's metadata (missing node when absent). */
    public JsonNode metadata(String field) {
        return json.path(METADATA).path(field);
    }

    /** A copy of the key's metadata, or an empty object. */
    public ObjectNode metadataCopy() {
        JsonNode metadata = json.path(METADATA);
        return metadata.isObject() ? ((ObjectNode) metadata).deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    /** The models on the key (empty: every model the owner may use). */
    public List<String> models() {
        List<String> models = new ArrayList<>();
        json.path(MODELS).forEach(model -> models.add(model.asText()));
        return models;
    }

    /** Spend so far; 0 when the row does not say. */
    public double spend() {
        return json.path(SPEND).asDouble(0);
    }

    /** Spend, or null when the row carries no number. */
    public Double spendOrNull() {
        return number(SPEND);
    }

    /** The key's budget, or null when it has none. */
    public Double maxBudget() {
        return number(MAX_BUDGET);
    }

    private Double number(String field) {
        return json.path(field).isNumber() ? json.get(field).asDouble() : null;
    }

    /** When LiteLLM next resets the key's spend ({@code budget_duration}); null when it does not. */
    public String budgetResetAt() {
        return json.path(BUDGET_RESET_AT).asText(null);
    }

    /** {@code expires} as LiteLLM printed it; null when the key never expires. */
    public String expires() {
        return json.path(EXPIRES).asText(null);
    }

    /** Whether the row has an expiry. */
    public boolean hasExpiry() {
        return json.hasNonNull(EXPIRES);
    }

    /**
     * The key's expiry, or null when it never expires.
     *
     * @throws DateTimeParseException when LiteLLM printed one we cannot read
     */
    public Instant expiresAt() {
        JsonNode value = json.path(EXPIRES);
        return value.isTextual() && !value.asText().isEmpty() ? parseTime(value.asText()) : null;
    }

    /**
     * A time as LiteLLM prints it: ISO with an offset, or (it stores UTC) without one, with a space or a T.
     *
     * @throws DateTimeParseException when it is neither
     */
    public static Instant parseTime(String text) {
        String iso = text.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
        }
    }

    /** What LiteLLM reports it stored (an update's answer), over this row. */
    public KeyRow merge(JsonNode written) {
        if (written != null && written.isObject()) {
            json.setAll((ObjectNode) written);
        }
        return this;
    }

    /** LiteLLM sets {@code updated_at} on every write: a row changed by us drops the one it had. */
    public KeyRow withoutUpdatedAt() {
        json.remove("updated_at");
        return this;
    }

    public KeyRow copy() {
        return of(json.deepCopy());
    }

    @Override
    public String toString() {
        return "KeyRow[" + token() + "]";
    }
}

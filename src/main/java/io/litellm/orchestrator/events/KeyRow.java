package io.litellm.orchestrator.events;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fields of a LiteLLM key row ({@code LiteLLM_VerificationToken}, as {@code /key/list?return_full_object=true}
 * and {@code /key/info} answer it) that the events read, in one place so a typed row view can replace it. Never the
 * secret: the row has only its hash ({@code token}).
 */
public record KeyRow(String keyId, String keyAlias, String userId, String teamId, Instant expires, Double spend,
        Double maxBudget, String budgetResetAt, boolean blocked, ObjectNode metadata) {

    /** Our stable key reference in the key's metadata (service/KeyRefs). */
    static final String KEY_REF = "orchestrator_key_ref";
    /** Metadata of an old key living out a rotation's grace period, and of a rotation's claim row (service/). */
    private static final String ROTATED_TO = "rotated_to";
    private static final String ROTATION_CLAIM = "orchestrator_rotation_claim";

    public static KeyRow of(JsonNode row) {
        JsonNode metadata = row.path("metadata");
        return new KeyRow(text(row, "token"), text(row, "key_alias"), text(row, "user_id"), text(row, "team_id"),
                instant(text(row, "expires")), number(row, "spend"), number(row, "max_budget"),
                text(row, "budget_reset_at"), row.path("blocked").asBoolean(false),
                metadata.isObject() ? (ObjectNode) metadata.deepCopy() : JsonNodeFactory.instance.objectNode());
    }

    public String keyRef() {
        return metadata.path(KEY_REF).asText(null);
    }

    /** A row that is no key of anybody's own: a rotation's claim, or an old key that was rotated and dies soon. */
    public boolean bookkeeping() {
        return metadata.has(ROTATION_CLAIM) || metadata.hasNonNull(ROTATED_TO);
    }

    static String text(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    static Double number(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isNumber() ? value.asDouble() : null;
    }

    /** LiteLLM writes {@code expires} as ISO-8601, with an offset or (older rows) without one, meaning UTC. */
    static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }
}

package io.litellm.orchestrator.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A typed view of one LiteLLM user row ({@code LiteLLM_UserTable}, {@code user_info} of {@code /user/info}), the
 * columns the lifecycle scans read; only this class names them.
 */
public final class UserRow {

    private final JsonNode json;

    private UserRow(JsonNode json) {
        this.json = json;
    }

    public static UserRow view(JsonNode json) {
        return new UserRow(json != null && json.isObject() ? json : JsonNodeFactory.instance.objectNode());
    }

    public String userId() {
        return text("user_id");
    }

    public Double spend() {
        return number("spend");
    }

    public Double maxBudget() {
        return number("max_budget");
    }

    /** When LiteLLM next resets the user's spend; null when it does not. */
    public String budgetResetAt() {
        return text("budget_reset_at");
    }

    /** The user's metadata (an empty object when the row has none). */
    public JsonNode metadata() {
        JsonNode metadata = json.path("metadata");
        return metadata.isObject() ? metadata : JsonNodeFactory.instance.objectNode();
    }

    /** A copy of the metadata to change and write back whole ({@code /user/update} replaces it). */
    public ObjectNode metadataCopy() {
        return ((ObjectNode) metadata()).deepCopy();
    }

    private String text(String field) {
        JsonNode value = json.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private Double number(String field) {
        JsonNode value = json.path(field);
        return value.isNumber() ? value.asDouble() : null;
    }
}

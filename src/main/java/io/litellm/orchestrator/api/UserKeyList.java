package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A user's keys, as LiteLLM's rows (snake_case), with every secret removed. */
@Schema(name = "UserKeyList", description = "A user's keys", requiredProperties = "keys")
public record UserKeyList(@Schema(ref = "UserAPIKeyAuth", type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY) List<ObjectNode> keys) {
}

package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A group's keys, as LiteLLM's rows (snake_case), with every secret removed. */
@Schema(name = "GroupKeyList", description = "A group's keys", requiredProperties = "keys")
public record GroupKeyList(@Schema(ref = "UserAPIKeyAuth", type = SchemaType.ARRAY) List<ObjectNode> keys) {
}

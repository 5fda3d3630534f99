package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One answer of an admin's scan of every key: the matching rows of the LiteLLM pages read, and where to go on. */
@Schema(name = "KeyPage", description = "Matching keys of every user and group, one stretch of LiteLLM's key list at a time", requiredProperties = "keys")
public record KeyPage(
        @Schema(ref = "UserAPIKeyAuth", type = SchemaType.ARRAY) List<ObjectNode> keys,
        @Schema(description = "Pass as cursor to read on; null when every key was read. A stretch may hold no match and still have a cursor",
                examples = "11") String nextCursor) {
}

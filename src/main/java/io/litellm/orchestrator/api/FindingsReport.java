package io.litellm.orchestrator.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The pending findings and what was read to find them. */
@Schema(name = "FindingsReport")
public record FindingsReport(
        @Schema(description = "Key rows read from LiteLLM") int keysScanned,
        @Schema(description = "Users whose budget was read") int usersScanned,
        List<PendingFinding> findings) {
}

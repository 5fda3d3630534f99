package io.litellm.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One attendee in the answer of {@code provisionWorkshop}. {@code keySecret} is set only for a key this call created;
 * {@code error} only when this attendee could not be finished (a rerun finishes it).
 */
@Schema(name = "WorkshopAttendee")
public record WorkshopAttendee(
        String userId,
        @Schema(description = "LiteLLM's token hash; null when the key could not be created") String keyId,
        @Schema(description = "The key itself, only when this call created it; never shown again") String keySecret,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "Why this attendee is not done") String error,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "The key's stable reference (see keyRef), when this call created it") String keyRef) {

    public WorkshopAttendee(String userId, String keyId, String keySecret, String error) {
        this(userId, keyId, keySecret, error, null);
    }

    @Override
    public String toString() {
        return "WorkshopAttendee[userId=" + userId + ", keyId=" + keyId + ", keySecret=" + (keySecret == null ? null : "***")
                + ", error=" + error + ", keyRef=" + keyRef + "]";
    }
}

package io.litellm.orchestrator.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.service.KeyRefs;
import io.litellm.orchestrator.service.RecoverySweep;

/**
 * What the events read of a key row, taken once through the typed view ({@link KeyRow}); never the secret (the row
 * has only its hash). {@code expires} is null when the key never expires or LiteLLM printed a time we cannot read;
 * {@code inGrace}: an old key living out a rotation's grace period, which dies by design (no reminders).
 */
public record ScannedKey(String keyId, String keyAlias, String userId, String teamId, Instant expires, Double spend,
        Double maxBudget, String budgetResetAt, boolean blocked, ObjectNode metadata, String keyRef,
        boolean inGrace) {

    public static ScannedKey of(JsonNode json) {
        KeyRow row = KeyRow.view(json);
        return new ScannedKey(row.token(), row.alias(), row.userId(), row.teamId(), expiresAt(row),
                row.spendOrNull(), row.maxBudget(), row.budgetResetAt(), row.blocked(), row.metadataCopy(),
                KeyRefs.refOf(row.json()), RecoverySweep.inGrace(row.json()));
    }

    private static Instant expiresAt(KeyRow row) {
        try {
            return row.expiresAt();
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }
}

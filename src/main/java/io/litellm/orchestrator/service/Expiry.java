package io.litellm.orchestrator.service;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.client.KeyRow;

/** A key's expiry for the rules: one we cannot read is LiteLLM's fault (502), and nothing is changed. */
final class Expiry {

    private Expiry() {
    }

    /** The row's expiry, or null when it has none. */
    static Instant of(KeyRow row) {
        try {
            return row.expiresAt();
        } catch (DateTimeParseException e) {
            throw new ApiException(ErrorKind.BAD_GATEWAY,
                    "LiteLLM gave the key an expiry we cannot read; nothing was changed", null, null);
        }
    }

    static Instant of(ObjectNode row) {
        return of(KeyRow.of(row));
    }
}

package io.litellm.orchestrator.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * One event, never with a secret: the key's ids ({@code keyId} is LiteLLM's hash, {@code keyRef} our stable
 * reference) and alias, whom it concerns, and a few plain details (threshold, expiry, spend). The {@code id} is
 * deterministic (see {@link #idOf}): the same finding gets the same id on every replica and every retry, so
 * receivers can drop duplicates.
 */
public record LifecycleEvent(String id, EventKind kind, Instant time, Owner owner, String keyId, String keyRef,
        String keyAlias, String severity, String description, Map<String, Object> details) {

    public LifecycleEvent {
        // kept in order, without the unset ones (Map.copyOf would refuse a null value)
        java.util.Map<String, Object> set = new java.util.LinkedHashMap<>();
        if (details != null) {
            details.forEach((name, value) -> {
                if (value != null) {
                    set.put(name, value);
                }
            });
        }
        details = java.util.Collections.unmodifiableMap(set);
        severity = severity == null ? kind.severity : severity;
    }

    /** {@code evt_} and 32 hex digits of the SHA-256 of the parts (kind, ids, threshold, …) joined by newlines. */
    public static String idOf(Object... parts) {
        StringBuilder text = new StringBuilder();
        for (Object part : parts) {
            text.append(part).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "evt_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CloudEvents subject: the key (stable ref first), else the owner. */
    public String subject() {
        if (keyRef != null) {
            return keyRef;
        }
        if (keyId != null) {
            return keyId;
        }
        return owner.id();
    }
}

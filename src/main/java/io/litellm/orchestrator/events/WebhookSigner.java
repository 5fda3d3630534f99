package io.litellm.orchestrator.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (standardwebhooks.com, spec "Signature scheme"): the secret is {@code whsec_} and the
 * base64 of the key bytes; the signed content is {@code <webhook-id>.<webhook-timestamp>.<body>}; the header value is
 * {@code v1,<base64 of HMAC-SHA256>}, several separated by spaces. The key is never shown by {@link #toString()}.
 */
public final class WebhookSigner {

    public static final String PREFIX = "whsec_";

    private final byte[] key;

    public WebhookSigner(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("orchestrator.events.webhook.secret must start with " + PREFIX);
        }
        try {
            this.key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            // not the decoder's message: it could quote the secret
            throw new IllegalArgumentException("orchestrator.events.webhook.secret is not whsec_ followed by base64");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("orchestrator.events.webhook.secret is empty");
        }
    }

    /** The {@code webhook-signature} value for this message. */
    public String sign(String webhookId, long timestampSeconds, String body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(webhookId + "." + timestampSeconds + "." + body));
    }

    /** Whether one of the header's {@code v1,…} signatures is this message's (constant-time comparison). */
    public boolean verify(String webhookId, String timestamp, String body, String signatureHeader) {
        if (webhookId == null || timestamp == null || body == null || signatureHeader == null) {
            return false;
        }
        byte[] expected = mac(webhookId + "." + timestamp + "." + body);
        for (String candidate : signatureHeader.trim().split(" +")) {
            if (!candidate.startsWith("v1,")) {
                continue;
            }
            try {
                if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            } catch (IllegalArgumentException notBase64) {
                // another candidate may still match
            }
        }
        return false;
    }

    private byte[] mac(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSigner[key=***]";
    }
}

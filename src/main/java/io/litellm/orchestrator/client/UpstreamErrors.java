package io.litellm.orchestrator.client;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.litellm.orchestrator.client.UpstreamException.Reason;
import io.litellm.orchestrator.security.Secrets;
import io.vertx.core.VertxException;

/**
 * Classifies what went wrong talking to LiteLLM, and keeps secrets out of what LiteLLM said.
 */
final class UpstreamErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;
    /** LiteLLM's PrismaClient.get_data when a key hash is not in the table (proxy/utils.py). */
    static final String KEY_NOT_IN_DB = "user key does not exist in db";
    /**
     * LiteLLM's get_key_object (auth/auth_checks.py) for a hash with no row: 401 "Authentication Error, Invalid proxy
     * server token passed. key=<hash>, not found in db. Create key via `/key/generate` call." (type
     * token_not_found_in_db). The same answer refuses an unknown credential, then naming the credential's hash.
     */
    static final String NOT_FOUND_IN_DB = ", not found in db";

    private UpstreamErrors() {
    }

    static UpstreamException fromResponse(Response response) {
        return fromAnswer(response.getStatus(), readMessage(response));
    }

    /** LiteLLM's error answer ({@code status}, and the message as {@link #readMessage} read it) as our failure. */
    static UpstreamException fromAnswer(int status, String message) {
        if (status == 401 && message.contains(KEY_NOT_IN_DB)) {
            // /key/update of a key that is gone (deleted or rotated meanwhile): LiteLLM's key lookup answers 401, but
            // the master key was accepted. It is a missing key, not refused credentials.
            return new UpstreamException.Rejected(404, message, Reason.KEY_GONE);
        }
        Reason reason = isAliasTaken(message) ? Reason.ALIAS_TAKEN : Reason.OTHER;
        if (status >= 400 && status < 500) {
            if (reason == Reason.OTHER && status == 404 && message.toLowerCase().contains("team not found")) {
                reason = Reason.UNKNOWN_TEAM;
            }
            return new UpstreamException.Rejected(status, message, reason);
        }
        if (isEnterpriseOnly(message)) {
            return new UpstreamException.Unlicensed(message,
                    reason == Reason.ALIAS_TAKEN ? reason : Reason.LICENCE_MISSING);
        }
        return new UpstreamException.Failed(status, message, null, reason);
    }

    /**
     * LiteLLM's words for an alias another key holds: _enforce_unique_key_alias (key_management_endpoints.py) "Key
     * with alias … already exists", or the table's unique constraint on key_alias.
     */
    static boolean isAliasTaken(String message) {
        String lower = String.valueOf(message).toLowerCase();
        return lower.contains("alias") && (lower.contains("already exists") || lower.contains("unique"));
    }

    /**
     * {@code /user/new} of an id that exists: 409, or a message that says so ("already exists", a unique constraint
     * of the user table), whether LiteLLM answers it with 4xx or 5xx.
     */
    static Throwable duplicateUser(Throwable failure) {
        boolean saysDuplicate = failure instanceof UpstreamException upstream
                && saysDuplicate(upstream.getMessage());
        if (failure instanceof UpstreamException.Rejected rejected && rejected.reason() == Reason.OTHER
                && (rejected.status() == 409 || saysDuplicate)) {
            return rejected.withReason(Reason.DUPLICATE_USER);
        }
        if (failure instanceof UpstreamException.Failed failed && failed.reason() == Reason.OTHER && saysDuplicate) {
            return failed.withReason(Reason.DUPLICATE_USER);
        }
        return failure;
    }

    private static boolean saysDuplicate(String message) {
        String lower = String.valueOf(message).toLowerCase();
        return lower.contains("already exists") || lower.contains("unique constraint");
    }

    /** {@code /team/new} of an id that exists: 400 "Team id = … already exists" (new_team, team_endpoints.py). */
    static Throwable duplicateTeam(Throwable failure) {
        if (failure instanceof UpstreamException.Rejected rejected && rejected.reason() == Reason.OTHER
                && rejected.status() == 400 && String.valueOf(rejected.getMessage()).contains("already exists")) {
            return rejected.withReason(Reason.DUPLICATE_TEAM);
        }
        return failure;
    }

    /** A write to a key by its hash answered 404 (or LiteLLM's 401 "not in db", already a 404): the key is gone. */
    static Throwable keyWriteGone(Throwable failure) {
        if (failure instanceof UpstreamException.Rejected rejected && rejected.status() == 404
                && rejected.reason() != Reason.ALIAS_TAKEN && rejected.reason() != Reason.KEY_GONE) {
            return rejected.withReason(Reason.KEY_GONE);
        }
        return failure;
    }

    /**
     * {@code /key/block} and {@code /key/unblock} of a key deleted meanwhile: LiteLLM's update finds no row (not
     * checked), then get_key_object raises its 401 naming the <em>target</em> key's hash (key_management_endpoints.py
     * block_key/unblock_key). Our credential was accepted: it is a missing key (404), not refused credentials. A 401
     * naming any other hash (our own credential's) stays a refusal. With audit logs on, LiteLLM answers 404 "Key …
     * not found" before the update, which is a 404 already.
     */
    static Throwable keyGone(Throwable failure, String keyHash) {
        if (failure instanceof UpstreamException.Rejected rejected && rejected.status() == 401
                && rejected.getMessage() != null
                && rejected.getMessage().contains("key=" + keyHash + NOT_FOUND_IN_DB)) {
            return new UpstreamException.Rejected(404, "Key " + keyHash + " not found in LiteLLM", Reason.KEY_GONE);
        }
        return keyWriteGone(failure);
    }

    /** Anything that is not already classified: connection problems, timeouts, unreadable bodies. */
    static Throwable classify(Throwable failure) {
        if (failure instanceof UpstreamException) {
            return failure;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UpstreamException upstream) {
                return upstream;
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException
                    || t.getClass().getName().equals("io.netty.channel.ConnectTimeoutException")) {
                return new UpstreamException.Unreachable("LiteLLM is unreachable", failure);
            }
            if (t instanceof TimeoutException
                    || t.getClass().getName().contains("Timeout")) {
                return new UpstreamException.Interrupted("LiteLLM did not answer in time", true, failure);
            }
            if (t instanceof JsonProcessingException) {
                return new UpstreamException.Failed(200, "LiteLLM sent an answer we could not read", failure);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // reset or closed after the request went out: it may have reached LiteLLM
            if (t instanceof java.io.IOException) {
                return new UpstreamException.Interrupted("The connection to LiteLLM broke", false, failure);
            }
        }
        if (failure instanceof VertxException || failure instanceof jakarta.ws.rs.ProcessingException) {
            return new UpstreamException.Interrupted("The connection to LiteLLM broke", false, failure);
        }
        return failure;
    }

    /** Open-source LiteLLM's answer to an Enterprise-only feature (a 500 whose message says so). */
    static boolean isEnterpriseOnly(String message) {
        return message != null && message.toLowerCase().contains("is an enterprise feature");
    }

    /** A metric tag for a failure: one of a few fixed words. */
    static String kind(Throwable failure) {
        return failure instanceof UpstreamException upstream ? upstream.metricTag() : "other";
    }

    /** LiteLLM's error body is {@code {"error":{"message",…}}} (or FastAPI's {@code {"detail":…}}). */
    static String readMessage(Response response) {
        try {
            if (!response.hasEntity()) {
                return "no details";
            }
            String body = response.readEntity(String.class);
            JsonNode root = JSON.readTree(body);
            JsonNode message = root.path("error").path("message");
            if (message.isMissingNode() || message.isNull()) {
                message = root.path("detail");
                if (message.isObject()) {
                    message = message.path("error").isMissingNode() ? message : message.path("error");
                }
            }
            String text = message.isTextual() ? message.asText() : message.isMissingNode() ? "no details" : message.toString();
            return scrub(text);
        } catch (RuntimeException | JsonProcessingException e) {
            return "unreadable error body";
        }
    }

    static String scrub(String text) {
        if (text == null) {
            return null;
        }
        // LiteLLM echoes keys in some messages; a virtual key or master key must never reach our caller
        String clean = Secrets.mask(text);
        return clean.length() > MAX_MESSAGE ? clean.substring(0, MAX_MESSAGE) + "…" : clean;
    }
}

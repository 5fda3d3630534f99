package io.litellm.orchestrator.client;

import io.litellm.orchestrator.security.Secrets;

/**
 * LiteLLM did not give us a usable answer. The subclasses say how (which decides the fault-tolerance treatment:
 * retry or not, breaker or not); the {@link Reason} says which of LiteLLM's answers the services act on it was,
 * recognised here in {@code client/} once. Each failure knows its metric tag, the answer we give for it and its
 * audit words, so no other layer reads LiteLLM's error messages or statuses.
 */
public abstract sealed class UpstreamException extends RuntimeException
        permits UpstreamException.Rejected, UpstreamException.Failed, UpstreamException.Unlicensed,
        UpstreamException.Unreachable, UpstreamException.Interrupted, RequestDeadline.DeadlineExceeded {

    /** The answers of LiteLLM's that a service treats on its own; {@link #OTHER} for the rest. */
    public enum Reason {
        /** A key alias another key holds ({@code _enforce_unique_key_alias}, or the table's unique constraint). */
        ALIAS_TAKEN,
        /** {@code /user/new} for a user id that exists (409, "already exists", a unique constraint). */
        DUPLICATE_USER,
        /** {@code /team/new} for a team id that exists: 400 "Team id = … already exists". */
        DUPLICATE_TEAM,
        /** {@code /team/update} of an unknown team: 404 "Team not found, passed team_id=…". */
        UNKNOWN_TEAM,
        /** A write to a key that is not there (any more): deleted or rotated meanwhile. */
        KEY_GONE,
        /** The feature needs an Enterprise licence. */
        LICENCE_MISSING,
        OTHER
    }

    /**
     * What we answer for a failure: the HTTP status (the REST layer names it by its error kind), the message and,
     * when it helps, a Retry-After in seconds.
     */
    public record Answer(int status, String message, Long retryAfterSeconds) {
    }

    /** {@code audit.outcome} of every upstream failure. */
    public static final String AUDIT_OUTCOME = "UpstreamError";

    private final Reason reason;

    protected UpstreamException(String message, Throwable cause) {
        this(message, cause, Reason.OTHER);
    }

    protected UpstreamException(String message, Throwable cause, Reason reason) {
        // no stack trace: the cause is upstream, and the message is enough to act on
        super(message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether {@code failure} is LiteLLM's answer {@code reason}. */
    public static boolean is(Throwable failure, Reason reason) {
        return failure instanceof UpstreamException upstream && upstream.reason == reason;
    }

    /** {@link #is} as a predicate, for {@code onFailure(…)}. */
    public static java.util.function.Predicate<Throwable> because(Reason reason) {
        return failure -> is(failure, reason);
    }

    /** A metric tag for this failure ({@code litellm_failures{kind}}): one of a few fixed words. */
    public abstract String metricTag();

    /** Our answer to the caller whose request met this failure. */
    public abstract Answer answer();

    /** {@code audit.upstreamStatus}: LiteLLM's status, or {@code none} when it gave none. */
    public String auditStatus() {
        return "none";
    }

    /** What went wrong, in words fit for a workshop attendee's {@code error}: never a secret. */
    public abstract String describe();

    /** LiteLLM answered 4xx: our request was refused. Never retried, never a breaker failure. */
    public static final class Rejected extends UpstreamException {
        private final int status;

        public Rejected(int status, String message) {
            this(status, message, Reason.OTHER);
        }

        public Rejected(int status, String message, Reason reason) {
            super(message, null, reason);
            this.status = status;
        }

        public int status() {
            return status;
        }

        Rejected withReason(Reason why) {
            return new Rejected(status, getMessage(), why);
        }

        @Override
        public String metricTag() {
            return status == 401 || status == 403 ? "master_key_refused" : "rejected";
        }

        @Override
        public Answer answer() {
            return switch (status) {
                case 401, 403 -> new Answer(502,
                        "LiteLLM refused this service's credentials; the operator should check LITELLM_MASTER_KEY",
                        null);
                case 404 -> new Answer(404, "Not found in LiteLLM: " + getMessage(), null);
                case 409 -> new Answer(409, "LiteLLM reported a conflict: " + getMessage(), null);
                case 429 -> new Answer(503, "LiteLLM is rate limiting this service", 1L);
                default -> new Answer(400, "LiteLLM rejected the request: " + getMessage(), null);
            };
        }

        @Override
        public String auditStatus() {
            return String.valueOf(status);
        }

        @Override
        public String describe() {
            return "LiteLLM rejected it (" + status + "): " + Secrets.mask(getMessage());
        }
    }

    /** LiteLLM answered 5xx or something we cannot read. */
    public static final class Failed extends UpstreamException {
        private final int status;

        public Failed(int status, String message, Throwable cause) {
            this(status, message, cause, Reason.OTHER);
        }

        Failed(int status, String message, Throwable cause, Reason reason) {
            super(message, cause, reason);
            this.status = status;
        }

        public int status() {
            return status;
        }

        Failed withReason(Reason why) {
            return new Failed(status, getMessage(), getCause(), why);
        }

        @Override
        public String metricTag() {
            return "failed";
        }

        @Override
        public Answer answer() {
            return new Answer(502, "LiteLLM failed (" + status + "): " + getMessage(), null);
        }

        @Override
        public String auditStatus() {
            return String.valueOf(status);
        }

        @Override
        public String describe() {
            return "LiteLLM failed (" + status + ")";
        }
    }

    /**
     * LiteLLM refused because the feature needs an Enterprise licence (it answers 500 "… is an Enterprise feature").
     * A deterministic answer, not a failure: never retried, never counted by the circuit breaker. Its reason is
     * {@link Reason#LICENCE_MISSING}, or a more precise one when the message says more (an alias taken).
     */
    public static final class Unlicensed extends UpstreamException {
        public Unlicensed(String message) {
            this(message, Reason.LICENCE_MISSING);
        }

        Unlicensed(String message, Reason reason) {
            super(message, null, reason);
        }

        @Override
        public String metricTag() {
            return "other";
        }

        @Override
        public Answer answer() {
            return new Answer(501,
                    "This LiteLLM needs an Enterprise licence for that: " + getMessage(), null);
        }

        @Override
        public String describe() {
            return "unexpected failure (" + getClass().getSimpleName() + ")";
        }
    }

    /** No connection could be made: the request never reached LiteLLM, so even a write may be retried. */
    public static final class Unreachable extends UpstreamException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String metricTag() {
            return "unreachable";
        }

        @Override
        public Answer answer() {
            return new Answer(503, "LiteLLM is unreachable", null);
        }

        @Override
        public String describe() {
            return "LiteLLM is unreachable";
        }
    }

    /** The connection broke or timed out after the request was sent: it may have reached LiteLLM. */
    public static final class Interrupted extends UpstreamException {
        private final boolean timedOut;

        public Interrupted(String message, boolean timedOut, Throwable cause) {
            super(message, cause);
            this.timedOut = timedOut;
        }

        public boolean timedOut() {
            return timedOut;
        }

        @Override
        public String metricTag() {
            return timedOut ? "timeout" : "interrupted";
        }

        @Override
        public Answer answer() {
            return timedOut ? new Answer(504, "LiteLLM did not answer in time", null)
                    : new Answer(502, "The connection to LiteLLM broke before it answered", null);
        }

        @Override
        public String describe() {
            return timedOut ? "LiteLLM did not answer in time" : "the connection to LiteLLM broke";
        }
    }
}

package io.litellm.orchestrator.client;

/**
 * LiteLLM did not give us a usable answer. The subclasses say why, which decides both the fault-tolerance
 * treatment (retry or not, breaker or not) and the status we answer with.
 */
public abstract class UpstreamException extends RuntimeException {

    protected UpstreamException(String message, Throwable cause) {
        // no stack trace: the cause is upstream, and the message is enough to act on
        super(message, cause, false, false);
    }

    /** LiteLLM answered 4xx: our request was refused. Never retried, never a breaker failure. */
    public static final class Rejected extends UpstreamException {
        private final int status;

        public Rejected(int status, String message) {
            super(message, null);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** LiteLLM answered 5xx or something we cannot read. */
    public static final class Failed extends UpstreamException {
        private final int status;

        public Failed(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * LiteLLM refused because the feature needs an Enterprise licence (it answers 500 "… is an Enterprise feature").
     * A deterministic answer, not a failure: never retried, never counted by the circuit breaker.
     */
    public static final class Unlicensed extends UpstreamException {
        public Unlicensed(String message) {
            super(message, null);
        }
    }

    /** No connection could be made: the request never reached LiteLLM, so even a write may be retried. */
    public static final class Unreachable extends UpstreamException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
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
    }
}

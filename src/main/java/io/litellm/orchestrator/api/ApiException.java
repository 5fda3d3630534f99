package io.litellm.orchestrator.api;

import java.util.Optional;

/**
 * Every failure we answer on purpose. The message is shown to the caller as is, so it must never hold a secret.
 */
public class ApiException extends RuntimeException {

    private final ErrorKind kind;
    private final Long retryAfterSeconds;

    public ApiException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public ApiException(ErrorKind kind, String message, Long retryAfterSeconds, Throwable cause) {
        // no stack trace: these are answers, not bugs, and they are cheap to raise on hot paths
        super(message, cause, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorKind kind() {
        return kind;
    }

    public Optional<Long> retryAfterSeconds() {
        return Optional.ofNullable(retryAfterSeconds);
    }

    public static ApiException input(String message) {
        return new ApiException(ErrorKind.INPUT, message);
    }

    public static ApiException notAllowed(String message) {
        return new ApiException(ErrorKind.NOT_ALLOWED, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorKind.NOT_FOUND, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(ErrorKind.CONFLICT, message);
    }
}

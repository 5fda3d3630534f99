package io.litellm.orchestrator.api;

/**
 * The error names of Backstage's error helpers, with the HTTP status each one stands for.
 */
public enum ErrorKind {
    INPUT(400, "InputError"),
    AUTHENTICATION(401, "AuthenticationError"),
    NOT_ALLOWED(403, "NotAllowedError"),
    NOT_FOUND(404, "NotFoundError"),
    CONFLICT(409, "ConflictError"),
    TOO_MANY_REQUESTS(429, "TooManyRequestsError"),
    INTERNAL(500, "InternalServerError"),
    NOT_IMPLEMENTED(501, "NotImplementedError"),
    BAD_GATEWAY(502, "BadGatewayError"),
    SERVICE_UNAVAILABLE(503, "ServiceUnavailableError"),
    GATEWAY_TIMEOUT(504, "GatewayTimeoutError");

    private final int status;
    private final String errorName;

    ErrorKind(int status, String errorName) {
        this.status = status;
        this.errorName = errorName;
    }

    public int status() {
        return status;
    }

    public String errorName() {
        return errorName;
    }

    /** The kind that stands for {@code status}. */
    public static ErrorKind of(int status) {
        for (ErrorKind kind : values()) {
            if (kind.status == status) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no error kind for status " + status);
    }
}

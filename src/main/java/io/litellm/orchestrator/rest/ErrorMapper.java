package io.litellm.orchestrator.rest;

import java.util.Comparator;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorBody;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.security.Secrets;
import io.litellm.orchestrator.client.RequestDeadline;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;

/**
 * The one place that turns a failure into the public error body. Nothing else writes an error response, and no
 * answer carries a stack trace.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);
    /** Seconds a client should wait when LiteLLM is failing and the breaker is open. */
    static final long BREAKER_RETRY_AFTER_SECONDS = 10;

    private final OrchestratorMetrics metrics;

    public ErrorMapper(OrchestratorMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> api(ApiException e, HttpServerRequest request) {
        RestResponse.ResponseBuilder<ErrorBody> builder = builder(e.kind(), e.getMessage(), request);
        e.retryAfterSeconds().ifPresent(seconds -> builder.header(HttpHeaders.RETRY_AFTER, seconds));
        return builder.build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> upstream(UpstreamException e, HttpServerRequest request) {
        LOG.warnf("LiteLLM call failed for %s %s: %s (%s)", request.method(), Secrets.mask(request.path()), e.getMessage(),
                e.getClass().getSimpleName());
        UpstreamException.Answer answer = e.answer();
        RestResponse.ResponseBuilder<ErrorBody> builder = builder(ErrorKind.of(answer.status()), answer.message(),
                request);
        if (answer.retryAfterSeconds() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, answer.retryAfterSeconds());
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> deadline(RequestDeadline.DeadlineExceeded e, HttpServerRequest request) {
        // counted as an upstream failure (kind=deadline) where the LiteLLM attempt was cut
        LOG.warnf("Request deadline passed for %s %s", request.method(), Secrets.mask(request.path()));
        return respond(ErrorKind.GATEWAY_TIMEOUT, e.getMessage(), request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> timeout(TimeoutException e, HttpServerRequest request) {
        metrics.upstreamFailure("timeout");
        LOG.warnf("LiteLLM call timed out for %s %s", request.method(), Secrets.mask(request.path()));
        return respond(ErrorKind.GATEWAY_TIMEOUT, "LiteLLM did not answer in time", request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> breakerOpen(CircuitBreakerOpenException e, HttpServerRequest request) {
        metrics.upstreamFailure("breaker_open");
        return respondRetryAfter(ErrorKind.SERVICE_UNAVAILABLE,
                "LiteLLM is failing; calls are paused for a few seconds", BREAKER_RETRY_AFTER_SECONDS, request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> bulkheadFull(BulkheadException e, HttpServerRequest request) {
        metrics.upstreamFailure("bulkhead_full");
        return respondRetryAfter(ErrorKind.SERVICE_UNAVAILABLE,
                "Too many calls to LiteLLM are in flight; try again shortly", 1, request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> validation(ConstraintViolationException e, HttpServerRequest request) {
        String message = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(v -> fieldName(v) + ": " + v.getMessage())
                .collect(Collectors.joining("; "));
        return respond(ErrorKind.INPUT, message, request);
    }

    /** Declared on its own so it takes precedence over Quarkus's built-in mapper for this type. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> jsonShape(MismatchedInputException e, HttpServerRequest request) {
        return json(e, request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> json(JsonProcessingException e, HttpServerRequest request) {
        String field = e instanceof JsonMappingException mapping ? jsonPath(mapping) : "";
        String message;
        if (e instanceof UnrecognizedPropertyException unknown) {
            message = fieldPrefix(field) + "unknown field";
        } else if (e instanceof JsonParseException) {
            message = "malformed JSON body";
        } else if (!field.isEmpty()) {
            message = field + ": wrong type or value";
        } else {
            message = "the request body could not be read as JSON of the expected shape";
        }
        return respond(ErrorKind.INPUT, message, request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> unauthenticated(AuthenticationFailedException e, HttpServerRequest request) {
        if (identityProviderFailed(e)) {
            // the token may well be fine: the issuer (userinfo, JWKS) did not answer, so not the caller's fault
            metrics.identityProviderFailure();
            LOG.warnf("Identity provider call failed for %s %s: %s", request.method(), Secrets.mask(request.path()),
                    rootCause(e).getClass().getSimpleName());
            String message = rolesFromUserInfo()
                    ? "The identity provider's userinfo could not be read, so the caller's roles are unknown; try again shortly"
                    : "The identity provider could not be reached to verify the token; try again shortly";
            return respondRetryAfter(ErrorKind.SERVICE_UNAVAILABLE, message, 5, request);
        }
        return unauthorized(request);
    }

    /** A network failure or an error answer from the issuer (quarkus-oidc's OIDCException), not a bad token. */
    private static boolean identityProviderFailed(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof io.vertx.core.VertxException
                    || t instanceof io.quarkus.oidc.OIDCException) {
                return true;
            }
        }
        return false;
    }

    private static boolean rolesFromUserInfo() {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return config.getOptionalValue("quarkus.oidc.authentication.user-info-required", Boolean.class).orElse(false)
                || "userinfo".equals(config.getOptionalValue("quarkus.oidc.roles.source", String.class).orElse(""));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> unauthenticated(UnauthorizedException e, HttpServerRequest request) {
        return unauthorized(request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> forbidden(ForbiddenException e, HttpServerRequest request) {
        return respond(ErrorKind.NOT_ALLOWED, "You are not allowed to do this", request);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        // a body Jackson could not read arrives wrapped; say which field
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json, request);
        }
        ErrorKind kind = switch (status) {
            case 400 -> ErrorKind.INPUT;
            case 401 -> ErrorKind.AUTHENTICATION;
            case 403 -> ErrorKind.NOT_ALLOWED;
            case 404 -> ErrorKind.NOT_FOUND;
            case 409 -> ErrorKind.CONFLICT;
            default -> null;
        };
        if (kind == null) {
            // 405, 406, 415 and the like: keep the status (in the body too), name it as a client error
            String name = ErrorKind.INPUT.errorName();
            return RestResponse.ResponseBuilder.<ErrorBody>create(status)
                    .entity(new ErrorBody(new ErrorBody.Detail(name, e.getMessage()),
                            new ErrorBody.RequestInfo(request.method().name(), Secrets.mask(request.uri())),
                            new ErrorBody.ResponseInfo(status), name, e.getMessage()))
                    .type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        String message = kind == ErrorKind.NOT_FOUND ? "No such route: " + request.method() + " " + Secrets.mask(request.path())
                : e.getMessage();
        return respond(kind, message, request);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public RestResponse<ErrorBody> unexpected(Throwable e, HttpServerRequest request) {
        LOG.errorf(e, "Unexpected failure for %s %s", request.method(), Secrets.mask(request.path()));
        return respond(ErrorKind.INTERNAL, "Unexpected error; it has been logged", request);
    }

    private RestResponse<ErrorBody> unauthorized(HttpServerRequest request) {
        metrics.refusal("unauthenticated");
        return builder(ErrorKind.AUTHENTICATION, "A valid bearer token is required", request)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private static RestResponse<ErrorBody> respond(ErrorKind kind, String message, HttpServerRequest request) {
        return builder(kind, message, request).build();
    }

    private static RestResponse<ErrorBody> respondRetryAfter(ErrorKind kind, String message, long seconds,
            HttpServerRequest request) {
        return builder(kind, message, request).header(HttpHeaders.RETRY_AFTER, seconds).build();
    }

    private static RestResponse.ResponseBuilder<ErrorBody> builder(ErrorKind kind, String message,
            HttpServerRequest request) {
        return RestResponse.ResponseBuilder.<ErrorBody>create(kind.status())
                .entity(ErrorBody.of(kind, message, request.method().name(), Secrets.mask(request.uri())))
                .type(MediaType.APPLICATION_JSON_TYPE);
    }

    /** The field a violation is about: {@code createUser.request.maxBudget} becomes {@code maxBudget}. */
    private static String fieldName(ConstraintViolation<?> violation) {
        String name = null;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == jakarta.validation.ElementKind.CONTAINER_ELEMENT && name != null
                    && node.getIndex() != null) {
                // an element of a list: models[0] rather than "<list element>"
                name = name + "[" + node.getIndex() + "]";
            } else if (node.getKind() == jakarta.validation.ElementKind.PROPERTY
                    || node.getKind() == jakarta.validation.ElementKind.PARAMETER
                    || node.getKind() == jakarta.validation.ElementKind.CONTAINER_ELEMENT) {
                name = node.getName() != null ? node.getName() : name;
            }
        }
        if (name == null) {
            return "body";
        }
        return name.equals("request") ? "body" : name;
    }

    private static String jsonPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String fieldPrefix(String field) {
        return field.isEmpty() ? "" : field + ": ";
    }
}

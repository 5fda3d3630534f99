package io.litellm.orchestrator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Backstage's serialized error: both its error helpers ({@code error.name}) and the plugin's
 * {@code Error {name, message}} schema (top-level fields) read it.
 */
@Schema(name = "Error", description = "An error, shaped like Backstage's serialized errors")
public record ErrorBody(Detail error, RequestInfo request, ResponseInfo response, String name, String message) {

    public record Detail(String name, String message) {
    }

    public record RequestInfo(String method, String url) {
    }

    public record ResponseInfo(int statusCode) {
    }

    public static ErrorBody of(ErrorKind kind, String message, String method, String url) {
        return new ErrorBody(new Detail(kind.errorName(), message), new RequestInfo(method, url),
                new ResponseInfo(kind.status()), kind.errorName(), message);
    }
}

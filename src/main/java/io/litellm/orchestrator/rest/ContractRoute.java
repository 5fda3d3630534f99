package io.litellm.orchestrator.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * Serves the contract where the Backstage plugin serves its own: {@code <base>/openapi.yaml}, with no token. It
 * re-dispatches to SmallRye's {@code /q/openapi} endpoint, so both always answer the same document.
 * <p>
 * No configuration is read here: {@code quarkus.rest.path}, {@code quarkus.http.non-application-root-path} and
 * {@code quarkus.smallrye-openapi.path} are build-time properties, which a native executable does not have at run
 * time (it exits at start). The base is {@link OrchestratorApplication#BASE}; the OpenAPI endpoint is Quarkus'
 * default, which ManifestTest keeps unmoved and OpenApiDriftTest proves this route reaches.
 */
@ApplicationScoped
public class ContractRoute {

    static final String PATH = OrchestratorApplication.BASE + "/openapi.yaml";
    private static final String OPENAPI_YAML = "/q/openapi?format=yaml";

    void register(@Observes Router router) {
        router.get(PATH).order(Integer.MIN_VALUE).handler(context -> context.reroute(OPENAPI_YAML));
    }
}

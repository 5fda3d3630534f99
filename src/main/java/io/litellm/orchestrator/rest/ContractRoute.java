package io.litellm.orchestrator.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.ext.web.Router;

/**
 * Serves the contract where the Backstage plugin serves its own: {@code <base>/openapi.yaml}, with no token. It
 * re-dispatches to SmallRye's {@code /q/openapi} endpoint, so both always answer the same document.
 */
@ApplicationScoped
public class ContractRoute {

    private final String base;
    private final String openApiPath;

    public ContractRoute(@ConfigProperty(name = "quarkus.rest.path") String base,
            @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q") String nonAppRoot,
            @ConfigProperty(name = "quarkus.smallrye-openapi.path", defaultValue = "openapi") String openApi) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.openApiPath = "/" + strip(nonAppRoot) + "/" + strip(openApi);
    }

    void register(@Observes Router router) {
        router.get(base + "/openapi.yaml").order(Integer.MIN_VALUE)
                .handler(context -> context.reroute(openApiPath + "?format=yaml"));
    }

    private static String strip(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}

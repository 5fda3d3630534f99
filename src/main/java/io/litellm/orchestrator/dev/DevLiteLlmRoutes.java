package io.litellm.orchestrator.dev;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.litellm.orchestrator.config.LiteLlmConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Serves {@link LiteLlmSimulator} under {@value #PREFIX}, so {@code ./mvnw quarkus:dev} needs no LiteLLM:
 * {@code %dev.litellm.base-url} points the app's own REST client here. Dev and test builds only: in the prod build
 * this bean, its producer and its route are removed at build time.
 */
@Singleton
@IfBuildProfile(anyOf = { "dev", "test" })
public class DevLiteLlmRoutes {

    public static final String PREFIX = "/dev/litellm";
    private static final Logger LOG = Logger.getLogger(DevLiteLlmRoutes.class);

    @Produces
    @Singleton
    LiteLlmSimulator simulator(LiteLlmConfig litellm, DevStackConfig dev) {
        // the simulator accepts exactly the master key the app's client sends, so a wrong key still fails
        return new LiteLlmSimulator(litellm.masterKey(), dev.litellmEnterprise(), dev.litellmLine());
    }

    void routes(@Observes Router router, LiteLlmSimulator simulator) {
        router.route(PREFIX + "/*").handler(BodyHandler.create()).handler(context -> {
            String path = context.normalizedPath().substring(PREFIX.length());
            Map<String, String> query = new HashMap<>();
            context.queryParams().forEach(entry -> query.put(entry.getKey(), entry.getValue()));
            String method = context.request().method().name();
            LiteLlmSimulator.Reply reply = simulator.handle(method, path, query,
                    context.request().getHeader("Authorization"), context.request().getHeader("litellm-changed-by"),
                    context.body() != null ? context.body().asString() : null);
            // method, path and status only: bodies carry secrets
            LOG.debugf("LiteLLM simulator: %s %s -> %d", method, path, reply.status());
            context.response().setStatusCode(reply.status()).putHeader("Content-Type", reply.contentType())
                    .end(reply.body());
        });
    }
}

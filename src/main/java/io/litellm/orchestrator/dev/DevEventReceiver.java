package io.litellm.orchestrator.dev;

import java.util.ArrayDeque;
import java.util.Deque;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.config.EventsConfig;
import io.litellm.orchestrator.events.WebhookSigner;
import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A stand-in for both receivers of lifecycle events, so the dev profile shows them end to end: Backstage's
 * notifications backend at {@value #PREFIX}{@code /api/notifications/notifications} (checks the bearer) and a webhook
 * receiver at {@value #PREFIX}{@code /webhook} (checks the Standard Webhooks signature and drops a {@code webhook-id}
 * seen before, as a receiver should). Each arrival is logged in one line; {@code GET} {@value #PREFIX} lists the
 * last ones. Dev and test builds only.
 */
@Singleton
@IfBuildProfile(anyOf = { "dev", "test" })
public class DevEventReceiver {

    public static final String PREFIX = "/dev/receiver";
    private static final Logger LOG = Logger.getLogger(DevEventReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT = 50;

    private final EventsConfig config;
    private final Deque<ObjectNode> received = new ArrayDeque<>();
    private final java.util.Set<String> seenIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DevEventReceiver(EventsConfig config) {
        this.config = config;
    }

    void routes(@Observes Router router) {
        router.post(PREFIX + "/api/notifications/notifications").handler(BodyHandler.create())
                .handler(this::notification);
        router.post(PREFIX + "/webhook").handler(BodyHandler.create()).handler(this::webhook);
        router.get(PREFIX).handler(context -> {
            ArrayNode list = JSON.createArrayNode();
            synchronized (received) {
                received.forEach(list::add);
            }
            context.response().putHeader("Content-Type", "application/json").end(list.toString());
        });
    }

    private void notification(RoutingContext context) {
        String expected = "Bearer " + config.backstage().token().orElse("");
        if (!expected.equals(context.request().getHeader("Authorization"))) {
            context.response().setStatusCode(401).end();
            return;
        }
        JsonNode body = parse(context);
        JsonNode payload = body.path("payload");
        LOG.infof("Dev receiver: Backstage notification to %s: %s [%s] %s", body.path("recipients").path("entityRef"),
                payload.path("title").asText(), payload.path("severity").asText(), payload.path("link").asText(""));
        keep("backstage", body);
        context.response().setStatusCode(200).putHeader("Content-Type", "application/json").end("{}");
    }

    private void webhook(RoutingContext context) {
        String id = context.request().getHeader("webhook-id");
        String body = context.body().asString();
        boolean valid = config.webhook().secret().map(WebhookSigner::new)
                .map(signer -> signer.verify(id, context.request().getHeader("webhook-timestamp"), body,
                        context.request().getHeader("webhook-signature")))
                .orElse(false);
        if (!valid) {
            LOG.warnf("Dev receiver: webhook %s refused: the signature does not verify", id);
            context.response().setStatusCode(401).end();
            return;
        }
        JsonNode event = parse(context);
        boolean duplicate = !seenIds.add(id);
        LOG.infof("Dev receiver: webhook %s %s about %s, signature valid%s", event.path("type").asText(), id,
                event.path("subject").asText(), duplicate ? ", duplicate dropped" : "");
        if (!duplicate) {
            keep("webhook", event);
        }
        context.response().setStatusCode(204).end();
    }

    private void keep(String sink, JsonNode body) {
        ObjectNode entry = JSON.createObjectNode().put("sink", sink);
        entry.set("body", body);
        synchronized (received) {
            received.addFirst(entry);
            while (received.size() > KEPT) {
                received.removeLast();
            }
        }
    }

    private static JsonNode parse(RoutingContext context) {
        try {
            return JSON.readTree(context.body().asString());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}

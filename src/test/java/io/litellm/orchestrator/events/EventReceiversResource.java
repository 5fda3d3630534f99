package io.litellm.orchestrator.events;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A WireMock server playing both receivers of lifecycle events: Backstage's notifications backend
 * ({@code POST /api/notifications/notifications}) and a webhook receiver ({@code POST /hooks/a}). Stubs are set per
 * test; the events are switched on and pointed here.
 */
public class EventReceiversResource implements QuarkusTestResourceLifecycleManager {

    public static final String WEBHOOK_PATH = "/hooks/a";
    public static final String NOTIFICATIONS_PATH = "/api/notifications/notifications";
    /** Test values, not secrets of anything real; the tests prove they never appear in a payload or a log line. */
    public static final String WEBHOOK_SECRET = "whsec_dGVzdC13ZWJob29rLXNpZ25pbmcta2V5LTEyMzQ1Njc4";
    public static final String BACKSTAGE_TOKEN = "test-backstage-static-token-5f4e3d2c";

    private static WireMockServer receivers;

    public static WireMockServer receivers() {
        return receivers;
    }

    @Override
    public Map<String, String> start() {
        receivers = new WireMockServer(wireMockConfig().dynamicPort());
        receivers.start();
        Map<String, String> config = new HashMap<>();
        config.put("orchestrator.events.enabled", "true");
        config.put("orchestrator.events.backstage.base-url", receivers.baseUrl());
        config.put("orchestrator.events.backstage.frontend-url", "https://backstage.example.com");
        config.put("orchestrator.events.backstage.token", BACKSTAGE_TOKEN);
        config.put("orchestrator.events.webhook.urls", receivers.baseUrl() + WEBHOOK_PATH);
        config.put("orchestrator.events.webhook.secret", WEBHOOK_SECRET);
        config.put("orchestrator.events.delivery.queue-size", "8");
        config.put("orchestrator.events.delivery.senders", "1");
        config.put("orchestrator.events.delivery.max-attempts", "5");
        config.put("orchestrator.events.delivery.backoff", "50ms");
        config.put("orchestrator.events.delivery.max-backoff", "200ms");
        config.put("orchestrator.events.delivery.timeout", "3s");
        config.put("orchestrator.events.scan.claim-settle", "300ms");
        config.put("orchestrator.events.scan.jitter", "0s");
        config.put("orchestrator.events.scan.every", "off");
        return config;
    }

    @Override
    public void stop() {
        if (receivers != null) {
            receivers.stop();
        }
    }
}

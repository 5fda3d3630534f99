package io.litellm.orchestrator.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.litellm.orchestrator.events.EventReceiversResource.BACKSTAGE_TOKEN;
import static io.litellm.orchestrator.events.EventReceiversResource.NOTIFICATIONS_PATH;
import static io.litellm.orchestrator.events.EventReceiversResource.WEBHOOK_PATH;
import static io.litellm.orchestrator.events.EventReceiversResource.WEBHOOK_SECRET;
import static io.litellm.orchestrator.events.EventReceiversResource.receivers;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.service.KeyService;
import io.litellm.orchestrator.service.RecoverySweep;
import io.litellm.orchestrator.config.EventsConfig;
import io.litellm.orchestrator.dev.LiteLlmSimulator;
import io.litellm.orchestrator.support.Evidence;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;

/**
 * Lifecycle events end to end: the dev stack's LiteLLM simulator as LiteLLM (stateful, so marks written into a key's
 * metadata are read back), a WireMock server as Backstage's notifications backend and as a webhook receiver.
 */
@QuarkusTest
@TestProfile(LifecycleEventsTest.EventsOn.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleEventsTest {

    /** The dev stack (the app is its own LiteLLM) with events on and pointed at {@link EventReceiversResource}. */
    public static class EventsOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port = freePort();
            Map<String, String> overrides = new HashMap<>();
            overrides.put("quarkus.http.test-port", String.valueOf(port));
            overrides.put("litellm.base-url", "http://localhost:" + port + "/dev/litellm");
            // the app calls itself for LiteLLM: time enough on a loaded build machine, room for two scans at once
            overrides.put("litellm.resilience.timeout-ms", "5000");
            overrides.put("litellm.resilience.request-deadline", "20s");
            overrides.put("litellm.resilience.max-concurrent-calls", "32");
            overrides.put("litellm.resilience.max-queued-calls", "64");
            overrides.put("orchestrator.events.scan.concurrency", "2");
            return overrides;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EventReceiversResource.class));
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static {
        Evidence.install();
    }

    private static final String API = "/api/litellm-orchestrator";
    private static final String MASTER_KEY = "Bearer sk-test-master-9f8e7d6c5b4a";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a route (with its token fetch) may take while the event queue is full; normally ~0.2 s. */
    private static final Duration ROUTE_BOUND = Duration.ofSeconds(5);
    /** Every body the receivers got and every key secret issued, for the last test. */
    private static final List<String> PAYLOADS = new ArrayList<>();
    private static final List<String> ISSUED = new ArrayList<>();

    private final LiteLlmSimulator simulator;
    private final EventDelivery delivery;
    private final LiteLlmClient litellm;
    private final EventsConfig config;
    private final KeyService keys;
    private final RecoverySweep sweep;
    private final MeterRegistry registry;

    LifecycleEventsTest(LiteLlmSimulator simulator, EventDelivery delivery, LiteLlmClient litellm, EventsConfig config,
            KeyService keys, RecoverySweep sweep, MeterRegistry registry) {
        this.simulator = simulator;
        this.delivery = delivery;
        this.litellm = litellm;
        this.config = config;
        this.keys = keys;
        this.sweep = sweep;
        this.registry = registry;
    }

    @BeforeEach
    void reset() {
        awaitTrue("deliveries of the previous test finished", () -> delivery.pending() == 0);
        simulator.reset();
        receivers().resetAll();
        receiversAnswer(0);
    }

    @AfterEach
    void keepPayloads() {
        receivers().getAllServeEvents().forEach(event -> PAYLOADS.add(event.getRequest().getBodyAsString()));
    }

    private static void receiversAnswer(int delayMs) {
        receivers().stubFor(post(urlEqualTo(NOTIFICATIONS_PATH))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{}").withFixedDelay(delayMs)));
        receivers().stubFor(post(urlEqualTo(WEBHOOK_PATH)).willReturn(aResponse().withStatus(204)
                .withFixedDelay(delayMs)));
    }

    private static RequestSpecification as(String user) {
        String token = given().when().get("/dev/tokens/" + user).then().statusCode(200).extract().asString();
        return given().urlEncodingEnabled(false).auth().oauth2(token).contentType("application/json");
    }

    private static List<LoggedRequest> received(String path) {
        return receivers().findAll(postRequestedFor(urlEqualTo(path)));
    }

    private static List<JsonNode> bodies(String path) {
        return received(path).stream().map(request -> {
            try {
                return JSON.readTree(request.getBodyAsString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private static List<String> receivedBodies() {
        return receivers().getAllServeEvents().stream().map(event -> event.getRequest().getBodyAsString()).toList();
    }

    private static void assertSigned(LoggedRequest hook) {
        assertThat(new WebhookSigner(WEBHOOK_SECRET).verify(hook.getHeader("webhook-id"),
                hook.getHeader("webhook-timestamp"), hook.getBodyAsString(), hook.getHeader("webhook-signature")))
                .isTrue();
    }

    /** Neither the given key secrets nor the master key, the webhook secret or the Backstage token in any body. */
    private static void assertNoSecretIn(List<String> payloads, List<String> keySecrets) {
        assertThat(payloads).isNotEmpty();
        List<String> secrets = new ArrayList<>(keySecrets);
        secrets.add(MASTER_KEY.substring("Bearer ".length()));
        secrets.add(WEBHOOK_SECRET);
        secrets.add(WEBHOOK_SECRET.substring("whsec_".length()));
        secrets.add(BACKSTAGE_TOKEN);
        for (String payload : payloads) {
            for (String secret : secrets) {
                assertThat(payload).doesNotContain(secret);
            }
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 30 s: " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void awaitSettled(String path, int requests) {
        awaitTrue(requests + " requests to " + path, () -> received(path).size() >= requests);
        awaitTrue("the queue empty", () -> delivery.pending() == 0);
    }

    /**
     * Runs a route call that must not wait for the event queue. A route that waited for room would wait until the one
     * sender finishes a delivery (up to 5 tries of the receivers' 3 s hang, ~15 s): it fails here, named, rather than
     * in REST Assured's own 30 s read time-out (Quarkus' default) or not at all.
     */
    private static <T> T answersQuickly(String what, java.util.function.Supplier<T> route) {
        long start = System.nanoTime();
        T answer = route.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as(what + " took " + took.toMillis() + " ms: a route waited for the event queue")
                .isLessThan(ROUTE_BOUND);
        return answer;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private double count(String name, String sink) {
        Counter counter = registry.find(name).tag("sink", sink).counter();
        return counter == null ? 0 : counter.count();
    }

    private String createKey(String user, String alias) {
        var created = as(user).body("{\"keyAlias\":\"" + alias + "\"}").when().post(API + "/users/" + user + "/keys")
                .then().statusCode(201).extract();
        ISSUED.add(created.path("keySecret"));
        return created.path("keyId");
    }

    private JsonNode master(String path, String body) {
        LiteLlmSimulator.Reply reply = simulator.handle("POST", path, Map.of(), MASTER_KEY, body);
        assertThat(reply.status()).as(path + " " + reply.body()).isEqualTo(200);
        try {
            return JSON.readTree(reply.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void aUsersKeyEventsReachThatUserSignedAndLinked() throws IOException {
        as("alice").body("{\"userId\":\"alice\"}").when().post(API + "/users").then().statusCode(201);
        String keyId = createKey("alice", "laptop");
        awaitSettled(WEBHOOK_PATH, 1);

        LoggedRequest notification = received(NOTIFICATIONS_PATH).get(0);
        assertThat(notification.getHeader("Authorization")).isEqualTo("Bearer " + BACKSTAGE_TOKEN);
        JsonNode sent = JSON.readTree(notification.getBodyAsString());
        assertThat(sent.path("recipients").path("type").asText()).isEqualTo("entity");
        assertThat(sent.path("recipients").path("entityRef").get(0).asText()).isEqualTo("user:default/alice");
        String keyRef = as("alice").when().get(API + "/users/alice/keys/" + keyId).then().statusCode(200)
                .extract().path("metadata.orchestrator_key_ref");
        assertThat(sent.path("payload").path("link").asText())
                .isEqualTo("https://backstage.example.com/litellm/keys/" + keyRef);
        assertThat(sent.path("payload").path("title").asText()).contains("laptop");
        assertThat(sent.path("payload").path("severity").asText()).isEqualTo("normal");

        LoggedRequest hook = received(WEBHOOK_PATH).get(0);
        JsonNode event = JSON.readTree(hook.getBodyAsString());
        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("type").asText()).isEqualTo("io.litellm.orchestrator.key.created");
        assertThat(event.path("id").asText()).isEqualTo(hook.getHeader("webhook-id"))
                .isEqualTo(sent.path("payload").path("scope").asText());
        assertThat(event.path("subject").asText()).isEqualTo(keyRef);
        assertThat(event.path("data").path("owner").path("id").asText()).isEqualTo("alice");
        assertThat(event.path("data").path("keyId").asText()).isEqualTo(keyId);
        assertThat(event.path("data").path("keyAlias").asText()).isEqualTo("laptop");
        assertThat(new WebhookSigner(WEBHOOK_SECRET).verify(hook.getHeader("webhook-id"),
                hook.getHeader("webhook-timestamp"), hook.getBodyAsString(), hook.getHeader("webhook-signature")))
                .isTrue();

        // blocking (the owner may) and unblocking (an admin) are events too; a plain change is none
        as("alice").body("{\"blocked\":true}").when().patch(API + "/users/alice/keys/" + keyId).then().statusCode(200);
        as("alice").body("{\"keyAlias\":\"laptop-2\"}").when().patch(API + "/users/alice/keys/" + keyId)
                .then().statusCode(200);
        as("root").body("{\"blocked\":false}").when().patch(API + "/users/alice/keys/" + keyId).then().statusCode(200);
        awaitSettled(WEBHOOK_PATH, 3);
        assertThat(bodies(WEBHOOK_PATH).stream().map(body -> body.path("type").asText()))
                .containsExactly("io.litellm.orchestrator.key.created", "io.litellm.orchestrator.key.blocked",
                        "io.litellm.orchestrator.key.unblocked");
        assertThat(bodies(NOTIFICATIONS_PATH).get(1).path("payload").path("severity").asText()).isEqualTo("high");

        as("alice").when().delete(API + "/users/alice/keys/" + keyId).then().statusCode(204);
        awaitSettled(WEBHOOK_PATH, 4);
        assertThat(bodies(WEBHOOK_PATH).get(3).path("type").asText()).isEqualTo("io.litellm.orchestrator.key.deleted");
        assertThat(bodies(NOTIFICATIONS_PATH).get(3).path("recipients").path("entityRef").get(0).asText())
                .isEqualTo("user:default/alice");
    }

    @Test
    @Order(2)
    void aGroupsKeyEventsGoToTheGroup() {
        // the group's team, as its first member's request would have created it (TeamService.requireTeam)
        master("/team/new", "{\"team_id\":\"" + io.litellm.orchestrator.service.TeamService.teamIdOf(
                "group:default/platform") + "\",\"team_alias\":\"group:default/platform\"}");
        var created = as("root").body("{\"keyAlias\":\"platform-ci\"}")
                .when().post(API + "/groups/group%3Adefault%2Fplatform/keys").then().statusCode(201).extract();
        ISSUED.add(created.path("keySecret"));
        awaitSettled(WEBHOOK_PATH, 1);

        JsonNode sent = bodies(NOTIFICATIONS_PATH).get(0);
        assertThat(sent.path("recipients").path("entityRef").get(0).asText()).isEqualTo("group:default/platform");
        JsonNode event = bodies(WEBHOOK_PATH).get(0);
        assertThat(event.path("data").path("owner").path("type").asText()).isEqualTo("group");
        assertThat(event.path("data").path("owner").path("id").asText()).isEqualTo("group:default/platform");
        assertThat(event.path("data").path("keyId").asText()).isEqualTo(created.path("keyId").toString());
    }

    @Test
    @Order(3)
    void aReceiverThatFailsThreeTimesThenRecoversGetsTheEventOnce() {
        receivers().resetAll();
        receiversAnswer(0);
        String scenario = "flaky receiver";
        receivers().stubFor(post(urlEqualTo(WEBHOOK_PATH)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed once"));
        receivers().stubFor(post(urlEqualTo(WEBHOOK_PATH)).inScenario(scenario).whenScenarioStateIs("failed once")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("failed twice"));
        receivers().stubFor(post(urlEqualTo(WEBHOOK_PATH)).inScenario(scenario).whenScenarioStateIs("failed twice")
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        receivers().stubFor(post(urlEqualTo(WEBHOOK_PATH)).inScenario(scenario).whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(204)));
        double delivered = count("orchestrator.events.delivered", "webhook");
        double failed = count("orchestrator.events.failed", "webhook");

        createKey("bob", "flaky");
        awaitSettled(WEBHOOK_PATH, 4);

        List<LoggedRequest> tries = received(WEBHOOK_PATH);
        assertThat(tries).hasSize(4);
        assertThat(tries.stream().map(request -> request.getHeader("webhook-id")).distinct()).hasSize(1);
        // every try signed anew, and each signature verifies
        for (LoggedRequest request : tries) {
            assertThat(new WebhookSigner(WEBHOOK_SECRET).verify(request.getHeader("webhook-id"),
                    request.getHeader("webhook-timestamp"), request.getBodyAsString(),
                    request.getHeader("webhook-signature"))).isTrue();
        }
        assertThat(count("orchestrator.events.delivered", "webhook")).isEqualTo(delivered + 1);
        assertThat(count("orchestrator.events.failed", "webhook")).isEqualTo(failed);
    }

    @Test
    @Order(4)
    void twoReplicasScanningTheSameKeysSendEachFindingOnce() {
        master("/user/new", "{\"user_id\":\"alice\"}");
        master("/user/update", "{\"user_id\":\"alice\",\"max_budget\":20,\"spend\":19}");
        String soon = master("/key/generate", "{\"user_id\":\"alice\",\"key_alias\":\"soon\",\"duration\":\"12h\","
                + "\"metadata\":{\"orchestrator_key_ref\":\"kr_aaaaaaaaaaaaaaaaaaaaaaaaaa\",\"team\":\"ml\"}}")
                .path("token").asText();
        master("/key/generate", "{\"user_id\":\"bob\",\"key_alias\":\"spendy\",\"max_budget\":10,\"spend\":9}");
        master("/key/generate", "{\"user_id\":\"bob\",\"key_alias\":\"fine\",\"max_budget\":10,\"spend\":1,"
                + "\"duration\":\"30d\"}");

        // what is pending, for an admin only
        as("alice").when().get(API + "/admin/findings").then().statusCode(403);
        List<String> pending = as("root").when().get(API + "/admin/findings").then().statusCode(200)
                .extract().jsonPath().getList("findings.type");
        assertThat(pending).containsExactlyInAnyOrder("key.expiring", "key.budget_threshold", "user.budget_threshold");

        LifecycleScanner one = new LifecycleScanner(litellm, keys, sweep, config, delivery);
        LifecycleScanner two = new LifecycleScanner(litellm, keys, sweep, config, delivery);
        var results = Uni.combine().all().unis(one.scan(), two.scan()).asTuple().await().atMost(Duration.ofSeconds(60));
        assertThat(results.getItem1().sent() + results.getItem2().sent()).isEqualTo(3);
        awaitSettled(WEBHOOK_PATH, 3);

        List<JsonNode> events = bodies(WEBHOOK_PATH);
        assertThat(events).hasSize(3);
        assertThat(events.stream().map(event -> event.path("id").asText()).collect(Collectors.toSet())).hasSize(3);
        assertThat(events.stream().map(event -> event.path("type").asText())).containsExactlyInAnyOrder(
                "io.litellm.orchestrator.key.expiring", "io.litellm.orchestrator.key.budget_threshold",
                "io.litellm.orchestrator.user.budget_threshold");
        assertThat(received(NOTIFICATIONS_PATH)).hasSize(3);
        Set<String> recipients = bodies(NOTIFICATIONS_PATH).stream()
                .map(body -> body.path("recipients").path("entityRef").get(0).asText()).collect(Collectors.toSet());
        assertThat(recipients).containsExactlyInAnyOrder("user:default/alice", "user:default/bob");

        // the marks sit in LiteLLM beside the key's other metadata, and a later scan finds nothing to send
        JsonNode metadata = litellm.findKey(soon).await().atMost(Duration.ofSeconds(10)).orElseThrow().path("metadata");
        assertThat(metadata.path("team").asText()).isEqualTo("ml");
        assertThat(metadata.path("orchestrator_key_ref").asText()).isEqualTo("kr_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        assertThat(metadata.path(Findings.MARKS).has("expiry-1d")).isTrue();
        assertThat(metadata.path(Findings.MARKS).has("expiry-7d")).isTrue();
        // the owner's own metadata change keeps the marks (they are the orchestrator's, as the key's reference is)
        as("alice").body("{\"metadata\":{\"team\":\"ai\"}}").when().patch(API + "/users/alice/keys/" + soon)
                .then().statusCode(200);
        assertThat(one.scan().await().atMost(Duration.ofSeconds(30)).sent()).isZero();
        as("root").when().get(API + "/admin/findings").then().statusCode(200)
                .body("findings", org.hamcrest.Matchers.empty());
        assertThat(received(WEBHOOK_PATH)).hasSize(3);
    }

    @Test
    @Order(5)
    void workshopEventsGoToTheAdminWhoCalledWithCountsAndNoSecret() throws IOException {
        String workshop = "/workshops/evt-intro";
        String body = "{\"attendees\":3,\"userPrefix\":\"participant\",\"userDomain\":\"workshop.example.com\","
                + "\"maxBudget\":5,\"duration\":\"7d\"}";
        // refused before anything happened: no event
        as("alice").body(body).when().put(API + workshop).then().statusCode(403);
        List<String> secrets = as("root").body(body).when().put(API + workshop).then().statusCode(200)
                .body("created", org.hamcrest.Matchers.equalTo(3)).extract().jsonPath().getList("attendees.keySecret");
        assertThat(secrets).hasSize(3).allSatisfy(secret -> assertThat(secret).startsWith("sk-"));
        ISSUED.addAll(secrets);
        awaitSettled(WEBHOOK_PATH, 1);

        // one event for the call, none per attendee's key (those are the workshop's, not an owner's own)
        assertThat(received(WEBHOOK_PATH)).hasSize(1);
        assertThat(received(NOTIFICATIONS_PATH)).hasSize(1);
        LoggedRequest hook = received(WEBHOOK_PATH).get(0);
        assertSigned(hook);
        JsonNode event = JSON.readTree(hook.getBodyAsString());
        assertThat(event.path("type").asText()).isEqualTo("io.litellm.orchestrator.workshop.provisioned");
        assertThat(event.path("data").path("owner").path("type").asText()).isEqualTo("user");
        assertThat(event.path("data").path("owner").path("id").asText()).isEqualTo("root");
        assertThat(event.path("data").path("workshopId").asText()).isEqualTo("evt-intro");
        assertThat(event.path("data").path("counts").asText()).contains("requested=3", "created=3", "failed=0");
        assertThat(event.path("data").path("severity").asText()).isEqualTo("low");
        assertThat(event.path("data").has("keyId")).isFalse();
        // README "Lifecycle notifications": a workshop event goes to the admin who called, not to the attendees
        JsonNode sent = bodies(NOTIFICATIONS_PATH).get(0);
        assertThat(sent.path("recipients").path("entityRef")).hasSize(1);
        assertThat(sent.path("recipients").path("entityRef").get(0).asText()).isEqualTo("user:default/root");
        assertThat(sent.path("payload").path("title").asText()).isEqualTo("Workshop provisioned");
        assertThat(sent.path("payload").path("severity").asText()).isEqualTo("low");
        assertThat(sent.path("payload").has("link")).isFalse();
        assertThat(sent.path("payload").path("scope").asText()).isEqualTo(event.path("id").asText())
                .isEqualTo(hook.getHeader("webhook-id"));
        String provisioned = event.path("id").asText();

        // the same PUT again creates nothing: a call of its own, so an event of its own (Backstage keeps both)
        as("root").body(body).when().put(API + workshop).then().statusCode(200)
                .body("created", org.hamcrest.Matchers.equalTo(0)).body("existing", org.hamcrest.Matchers.equalTo(3));
        awaitSettled(WEBHOOK_PATH, 2);
        JsonNode again = bodies(WEBHOOK_PATH).get(1);
        assertThat(again.path("type").asText()).isEqualTo("io.litellm.orchestrator.workshop.provisioned");
        assertThat(again.path("data").path("counts").asText()).contains("created=0", "existing=3");
        assertThat(again.path("id").asText()).startsWith("evt_").isNotEqualTo(provisioned);

        as("root").when().delete(API + workshop + "?users=true").then().statusCode(204);
        awaitSettled(WEBHOOK_PATH, 3);
        hook = received(WEBHOOK_PATH).get(2);
        assertSigned(hook);
        JsonNode removed = JSON.readTree(hook.getBodyAsString());
        assertThat(removed.path("type").asText()).isEqualTo("io.litellm.orchestrator.workshop.removed");
        assertThat(removed.path("data").path("owner").path("id").asText()).isEqualTo("root");
        assertThat(removed.path("data").path("workshopId").asText()).isEqualTo("evt-intro");
        assertThat(removed.path("data").path("counts").asText()).isEqualTo("keys=3 users=true");
        sent = bodies(NOTIFICATIONS_PATH).get(2);
        assertThat(sent.path("recipients").path("entityRef").get(0).asText()).isEqualTo("user:default/root");
        assertThat(sent.path("payload").path("title").asText()).isEqualTo("Workshop removed");
        assertThat(sent.path("payload").path("scope").asText()).isEqualTo(removed.path("id").asText());

        // a call that did not answer (the workshop is gone: 404) is no event; the event is queued before the answer
        as("root").when().delete(API + workshop).then().statusCode(404);
        awaitTrue("the queue empty", () -> delivery.pending() == 0);
        assertThat(received(WEBHOOK_PATH)).hasSize(3);
        assertThat(received(NOTIFICATIONS_PATH)).hasSize(3);
        assertNoSecretIn(receivedBodies(), secrets);
    }

    @Test
    @Order(6)
    void aBudgetChangeGoesToTheUserNotTheAdmin() throws IOException {
        master("/user/new", "{\"user_id\":\"bob\"}");
        master("/user/new", "{\"user_id\":\"user:default/jane\"}");
        // an admin-only route: bob may not raise his own budget, and a refused call is no event
        as("bob").body("{\"maxBudget\":500}").when().patch(API + "/users/bob").then().statusCode(403);
        as("root").body("{\"maxBudget\":50,\"budgetDuration\":\"30d\"}").when().patch(API + "/users/bob")
                .then().statusCode(200);
        awaitSettled(WEBHOOK_PATH, 1);

        assertThat(received(WEBHOOK_PATH)).hasSize(1);
        LoggedRequest hook = received(WEBHOOK_PATH).get(0);
        assertSigned(hook);
        JsonNode event = JSON.readTree(hook.getBodyAsString());
        assertThat(event.path("type").asText()).isEqualTo("io.litellm.orchestrator.user.budget_changed");
        assertThat(event.path("data").path("owner").path("type").asText()).isEqualTo("user");
        assertThat(event.path("data").path("owner").path("id").asText()).isEqualTo("bob");
        assertThat(event.path("data").path("maxBudget").asDouble()).isEqualTo(50.0);
        assertThat(event.path("data").path("budgetDuration").asText()).isEqualTo("30d");
        assertThat(event.path("data").path("severity").asText()).isEqualTo("normal");
        assertThat(event.path("subject").asText()).isEqualTo("bob");
        JsonNode sent = bodies(NOTIFICATIONS_PATH).get(0);
        assertThat(sent.path("recipients").path("entityRef")).hasSize(1);
        assertThat(sent.path("recipients").path("entityRef").get(0).asText()).isEqualTo("user:default/bob");
        assertThat(sent.path("payload").path("title").asText()).isEqualTo("LiteLLM budget changed");
        assertThat(sent.path("payload").path("description").asText()).contains("50.0 USD per 30d");
        assertThat(sent.path("payload").path("severity").asText()).isEqualTo("normal");
        assertThat(sent.path("payload").path("scope").asText()).isEqualTo(event.path("id").asText())
                .isEqualTo(hook.getHeader("webhook-id"));

        // a PATCH that only resets spend changes no budget: no event
        as("root").body("{\"spend\":0}").when().patch(API + "/users/bob").then().statusCode(200);
        // the same budget set again is a change of its own: a new id, so Backstage does not fold it into the first
        as("root").body("{\"maxBudget\":50,\"budgetDuration\":\"30d\"}").when().patch(API + "/users/bob")
                .then().statusCode(200);
        // a user id that is an entity ref is notified as it is, not prefixed again
        as("root").body("{\"maxBudget\":7}").when().patch(API + "/users/user%3Adefault%2Fjane").then().statusCode(200);
        awaitSettled(WEBHOOK_PATH, 3);
        List<JsonNode> events = bodies(WEBHOOK_PATH);
        assertThat(events.get(1).path("type").asText()).isEqualTo("io.litellm.orchestrator.user.budget_changed");
        assertThat(events.get(1).path("id").asText()).startsWith("evt_").isNotEqualTo(event.path("id").asText());
        assertThat(events.get(2).path("data").path("owner").path("id").asText()).isEqualTo("user:default/jane");
        assertThat(events.get(2).path("data").path("maxBudget").asDouble()).isEqualTo(7.0);
        assertThat(bodies(NOTIFICATIONS_PATH).get(2).path("recipients").path("entityRef").get(0).asText())
                .isEqualTo("user:default/jane");
        assertNoSecretIn(receivedBodies(), List.of());
    }

    @Test
    @Order(7)
    void aFullQueueDropsAndCountsButNeverHoldsARoute() {
        // both receivers hang: the one sender is stuck, so the queue (8 deliveries, 2 per key event) fills up
        receivers().resetAll();
        receiversAnswer(3000);
        double dropped = count("orchestrator.events.dropped", "webhook") + count("orchestrator.events.dropped",
                "backstage");
        for (int i = 0; i < 12 && count("orchestrator.events.dropped", "webhook")
                + count("orchestrator.events.dropped", "backstage") == dropped; i++) {
            int n = i;
            answersQuickly("creating key busy-" + i, () -> createKey("bob", "busy-" + n));
            // a created key's event is queued once its alias was read back
            awaitTrue("the event queued or dropped", () -> delivery.pending() > 0);
            sleepBriefly();
        }
        awaitTrue("an event dropped", () -> count("orchestrator.events.dropped", "webhook")
                + count("orchestrator.events.dropped", "backstage") > dropped);
        double full = count("orchestrator.events.dropped", "webhook") + count("orchestrator.events.dropped", "backstage");
        // with the queue full, a route whose event is queued while it answers (a deletion) still answers, and its
        // event is dropped and counted
        String keyId = answersQuickly("creating a key with the queue full", () -> createKey("bob", "one-more"));
        answersQuickly("deleting a key with the queue full", () -> as("bob").when()
                .delete(API + "/users/bob/keys/" + keyId).then().statusCode(204));
        awaitTrue("one more dropped", () -> count("orchestrator.events.dropped", "webhook")
                + count("orchestrator.events.dropped", "backstage") >= full + 4);
        receivers().resetAll();
        receiversAnswer(0);
    }

    @Test
    @Order(8)
    void theQueueIsDrainedBeforeShutdownWithinItsLimit() {
        // slow receivers: what is queued takes a while, and a drain waits for it (as the shutdown does)
        receiversAnswer(400);
        double delivered = count("orchestrator.events.delivered", "webhook");
        createKey("bob", "drained-1");
        createKey("bob", "drained-2");
        awaitTrue("both events queued", () -> delivery.pending() > 0);
        assertThat(delivery.drain(Duration.ofSeconds(30))).as("deliveries left after the drain").isZero();
        assertThat(count("orchestrator.events.delivered", "webhook")).isGreaterThanOrEqualTo(delivered + 2);
        // a receiver that hangs: the drain gives up at its limit and says what is left
        receiversAnswer(3000);
        createKey("bob", "undrained");
        awaitTrue("the event queued", () -> delivery.pending() > 0);
        assertThat(delivery.drain(Duration.ofMillis(200))).as("deliveries left after a short drain").isPositive();
        receivers().resetAll();
        receiversAnswer(0);
    }

    @Test
    @Order(9)
    void aCallersOwnMetadataCannotPassAKeyOffAsRotationBookkeeping() {
        // only rows we signed or derived are a rotation's copy or claim; look-alike marks hide no reminder
        master("/user/new", "{\"user_id\":\"carol\"}");
        String copyLike = master("/key/generate", "{\"user_id\":\"carol\",\"key_alias\":\"copy-like\","
                + "\"duration\":\"12h\",\"metadata\":{\"orchestrator_rotation_copy\":{\"of\":\"x\",\"until\":\"2099-01-01T00:00:00Z\"}}}")
                .path("token").asText();
        String claimLike = master("/key/generate", "{\"user_id\":\"carol\",\"key_alias\":\"claim-like\","
                + "\"duration\":\"12h\",\"metadata\":{\"orchestrator_rotation_claim\":{\"key\":\"x\",\"nonce\":\"n\"}}}")
                .path("token").asText();
        List<String> pending = as("root").when().get(API + "/admin/findings").then().statusCode(200)
                .extract().jsonPath().getList("findings.keyId");
        assertThat(pending).contains(copyLike, claimLike);
    }

    @Test
    @Order(10)
    void noSecretInAnyPayloadOrLogLine() {
        assertThat(PAYLOADS).isNotEmpty();
        assertThat(ISSUED).isNotEmpty().allSatisfy(secret -> assertThat(secret).startsWith("sk-"));
        List<String> secrets = new ArrayList<>(ISSUED);
        secrets.add(WEBHOOK_SECRET);
        secrets.add(WEBHOOK_SECRET.substring("whsec_".length()));
        secrets.add(BACKSTAGE_TOKEN);
        secrets.add(MASTER_KEY.substring("Bearer ".length()));
        for (String payload : PAYLOADS) {
            for (String secret : secrets) {
                assertThat(payload).doesNotContain(secret);
            }
        }
        List<String> lines = Evidence.logLines();
        assertThat(lines).anyMatch(line -> line.contains("orchestrator.events") || line.contains("Event evt_")
                || line.contains("Lifecycle events on"));
        for (String line : lines) {
            for (String secret : secrets) {
                assertThat(line).doesNotContain(secret);
            }
        }
    }
}

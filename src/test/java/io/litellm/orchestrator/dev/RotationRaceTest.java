package io.litellm.orchestrator.dev;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.RegenerateUserKeyRequest;
import io.litellm.orchestrator.api.UserKey;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.service.KeyRotationService;
import io.litellm.orchestrator.service.ReplicaFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Concurrent regenerations of one key, against the LiteLLM simulator (one row per token, upsert on insert, atomic
 * regenerate), in both modes: exactly one live key afterwards, every other caller a 409 (or 404 once the key is gone),
 * no claim or copy left behind. First through one replica's HTTP API, then through several replicas at once (each
 * with its own in-memory state, so only the claim in LiteLLM keeps them apart).
 */
@QuarkusTest
@TestProfile(RotationRaceTest.Patient.class)
class RotationRaceTest {

    /** The dev stack, with LiteLLM calls given time enough on a loaded build machine (the app is its own LiteLLM). */
    public static class Patient extends DevStackTest.SelfContained {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new java.util.HashMap<>(super.getConfigOverrides());
            overrides.put("litellm.resilience.timeout-ms", "5000");
            overrides.put("litellm.resilience.request-deadline", "20s");
            return overrides;
        }
    }

    private static final String API = "/api/litellm-orchestrator";

    private final LiteLlmSimulator simulator;
    private final ReplicaFactory replicas;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    RotationRaceTest(LiteLlmSimulator simulator, ReplicaFactory replicas) {
        this.simulator = simulator;
        this.replicas = replicas;
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    @AfterEach
    void stop() throws InterruptedException {
        simulator.licensed(true);
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static String token(String user) {
        return given().when().get("/dev/tokens/" + user).then().statusCode(200).extract().asString();
    }

    /** A fresh key of bob's; answers {keyId, secret}. */
    private static String[] bobsKey() {
        String bob = token("bob");
        Response created = given().auth().oauth2(bob).contentType("application/json")
                .body("{\"keyAlias\":\"laptop\",\"models\":[\"gpt-4o-mini\"],\"maxBudget\":3}")
                .post(API + "/users/bob/keys");
        assertEquals(201, created.statusCode(), created.asString());
        return new String[] { created.path("keyId"), created.path("keySecret") };
    }

    private int models(String secret) {
        return given().auth().oauth2(secret).get("/dev/litellm/v1/models").statusCode();
    }

    @ParameterizedTest(name = "enterprise={0}")
    @ValueSource(booleans = { true, false })
    void eightConcurrentRequestsLeaveExactlyOneLiveKey(boolean enterprise) throws Exception {
        simulator.licensed(enterprise);
        String[] old = bobsKey();
        String bob = token("bob");
        String root = token("root");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // 4 each: within the per-caller rate limit of 5
            String caller = i % 2 == 0 ? bob : root;
            answers.add(pool.submit(() -> {
                start.await();
                return given().auth().oauth2(caller).contentType("application/json")
                        .post(API + "/users/bob/keys/" + old[0] + "/regenerate");
            }));
        }
        start.countDown();
        List<Response> done = new ArrayList<>();
        for (Future<Response> answer : answers) {
            done.add(answer.get(30, TimeUnit.SECONDS));
        }

        List<Response> won = done.stream().filter(r -> r.statusCode() == 200).toList();
        assertEquals(1, won.size(), "exactly one rotation wins: " + statuses(done));
        for (Response lost : done) {
            if (lost.statusCode() != 200) {
                // 409 while the winner works, 404 once the old key is gone
                assertTrue(lost.statusCode() == 409 || lost.statusCode() == 404, statuses(done));
                String name = lost.path("error.name");
                assertTrue(name.equals("ConflictError") || name.equals("NotFoundError"), name);
            }
        }
        assertExactlyOneLiveKey(old, won.get(0).path("keyId"), won.get(0).path("keySecret"));
    }

    @ParameterizedTest(name = "enterprise={0}")
    @ValueSource(booleans = { true, false })
    void fourReplicasRotatingOneKeyAtOnceLeaveExactlyOneLiveKey(boolean enterprise) throws Exception {
        simulator.licensed(enterprise);
        String[] old = bobsKey();
        List<KeyRotationService> services = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            services.add(replicas.replica());
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> answers = new ArrayList<>();
        for (KeyRotationService replica : services) {
            Callable<Object> rotation = () -> {
                start.await();
                try {
                    return replica.regenerate(new Caller("bob", false), "bob", old[0],
                            RegenerateUserKeyRequest.EMPTY).await().atMost(Duration.ofSeconds(20));
                } catch (ApiException refused) {
                    return refused;
                }
            };
            answers.add(pool.submit(rotation));
        }
        start.countDown();
        List<Object> done = new ArrayList<>();
        for (Future<Object> answer : answers) {
            done.add(answer.get(30, TimeUnit.SECONDS));
        }
        List<UserKey> won = done.stream().filter(UserKey.class::isInstance).map(UserKey.class::cast).toList();
        assertEquals(1, won.size(), "exactly one replica wins: " + done);
        for (Object other : done) {
            if (other instanceof ApiException refused) {
                // a clean refusal: another rotation holds the key, or it is gone already
                assertTrue(refused.kind() == io.litellm.orchestrator.api.ErrorKind.CONFLICT
                        || refused.kind() == io.litellm.orchestrator.api.ErrorKind.NOT_FOUND, refused.getMessage());
            }
        }
        assertExactlyOneLiveKey(old, won.get(0).keyId(), won.get(0).keySecret());
    }

    @ParameterizedTest(name = "enterprise={0}")
    @ValueSource(booleans = { true, false })
    void aGracePeriodKeepsTheOldSecretWorkingUntilItEndsAndThenOnlyTheNewOne(boolean enterprise) throws Exception {
        simulator.licensed(enterprise);
        String[] old = bobsKey();
        String bob = token("bob");
        Response rotated = given().auth().oauth2(bob).contentType("application/json")
                .body("{\"gracePeriod\":\"4s\"}").post(API + "/users/bob/keys/" + old[0] + "/regenerate");
        assertEquals(200, rotated.statusCode(), rotated.asString());
        String newSecret = rotated.path("keySecret");

        assertEquals(200, models(old[1]), "the old secret still works during the grace period");
        assertEquals(200, models(newSecret));
        // both are listed; the old one says what replaced it and when it dies
        List<Map<String, Object>> keys = given().auth().oauth2(bob).get(API + "/users/bob/keys").then()
                .statusCode(200).extract().path("keys");
        assertEquals(2, keys.size(), keys.toString());
        Map<String, Object> oldRow = keys.stream().filter(k -> old[0].equals(k.get("token"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> marks = (Map<String, Object>) oldRow.get("metadata");
        assertEquals(rotated.path("keyId"), marks.get("rotated_to"));
        assertTrue(java.time.Instant.parse((String) oldRow.get("expires")).isBefore(
                java.time.Instant.now().plusSeconds(5)), "expires with the grace period: " + oldRow.get("expires"));
        Map<String, Object> newRow = keys.stream().filter(k -> !old[0].equals(k.get("token"))).findFirst().orElseThrow();
        assertEquals("laptop", newRow.get("key_alias"));
        assertEquals(List.of("gpt-4o-mini"), newRow.get("models"));

        Thread.sleep(4500);
        // expired (400) or already deleted at the end of the grace period (401)
        int after = models(old[1]);
        assertTrue(after == 400 || after == 401, "after the grace period LiteLLM refuses the old secret: " + after);
        assertEquals(200, models(newSecret));
    }

    // --- LiteLLM's per-replica key cache: the old secret dies at once on the replica that handled the rotation -----

    @ParameterizedTest(name = "enterprise={0}")
    @ValueSource(booleans = { true, false })
    void aRotatedSecretIsRefusedAtOnceEvenWhileLiteLlmCachesItsRow(boolean enterprise) {
        simulator.licensed(enterprise);
        String[] old = bobsKey();
        assertEquals(200, models(old[1]), "in use: LiteLLM caches its row");
        Response rotated = given().auth().oauth2(token("bob")).contentType("application/json")
                .post(API + "/users/bob/keys/" + old[0] + "/regenerate");
        assertEquals(200, rotated.statusCode(), rotated.asString());

        assertEquals(401, models(old[1]), "the old secret is refused at once");
        assertEquals(200, models(rotated.path("keySecret")), "the new one works and is not blocked");
        Map<String, Object> row = given().auth().oauth2(token("bob")).get(API + "/users/bob/keys").then()
                .statusCode(200).extract().path("keys[0]");
        assertTrue(row.get("blocked") == null || Boolean.FALSE.equals(row.get("blocked")), row.toString());
    }

    @ParameterizedTest(name = "enterprise={0}")
    @ValueSource(booleans = { true, false })
    void aBlockedKeyStaysBlockedWhenRotated(boolean enterprise) {
        simulator.licensed(enterprise);
        String[] old = bobsKey();
        String root = token("root");
        given().auth().oauth2(root).contentType("application/json").body("{\"blocked\":true}")
                .patch(API + "/users/bob/keys/" + old[0]).then().statusCode(200);
        Response rotated = given().auth().oauth2(root).contentType("application/json")
                .post(API + "/users/bob/keys/" + old[0] + "/regenerate");
        assertEquals(200, rotated.statusCode(), rotated.asString());

        assertEquals(401, models(old[1]));
        assertEquals(401, models(rotated.path("keySecret")), "the new key is blocked like the old one");
        Map<String, Object> row = given().auth().oauth2(root).get(API + "/users/bob/keys").then()
                .statusCode(200).extract().path("keys[0]");
        assertEquals(true, row.get("blocked"), row.toString());
    }

    @ParameterizedTest(name = "enterprise={0}")
    @ValueSource(booleans = { true, false })
    void theOldSecretIsRefusedWhenTheGracePeriodEndsEvenIfItsRowWasCachedBefore(boolean enterprise)
            throws Exception {
        simulator.licensed(enterprise);
        String[] old = bobsKey();
        assertEquals(200, models(old[1]), "in use before the rotation: LiteLLM caches its row, without expiry");
        Response rotated = given().auth().oauth2(token("bob")).contentType("application/json")
                .body("{\"gracePeriod\":\"2s\"}").post(API + "/users/bob/keys/" + old[0] + "/regenerate");
        assertEquals(200, rotated.statusCode(), rotated.asString());
        assertEquals(200, models(old[1]), "within the grace period");

        // bounded wait: the end of the grace period plus time for a loaded build machine
        long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        int status = 200;
        while (status == 200 && System.nanoTime() < until) {
            Thread.sleep(250);
            status = models(old[1]);
        }
        assertEquals(401, status, "refused once the grace period ended, long before LiteLLM's cache TTL");
        assertTrue(System.nanoTime() < until);
        assertEquals(200, models(rotated.path("keySecret")));
    }

    private void assertExactlyOneLiveKey(String[] old, String newId, String newSecret) {
        String bob = token("bob");
        List<Map<String, Object>> keys = given().auth().oauth2(bob).get(API + "/users/bob/keys").then()
                .statusCode(200).extract().path("keys");
        assertEquals(1, keys.size(), "bob has exactly one key: " + keys);
        assertEquals(newId, keys.get(0).get("token"));
        assertEquals("laptop", keys.get(0).get("key_alias"));
        // no claim, no orphan copy anywhere in LiteLLM
        assertEquals(1, simulator.keyCount(), "LiteLLM holds exactly one key");
        assertEquals(200, models(newSecret));
        assertEquals(401, models(old[1]), "the old secret is dead");
    }

    private static String statuses(List<Response> responses) {
        return responses.stream().map(r -> r.statusCode() + " " + r.asString()).toList().toString();
    }
}

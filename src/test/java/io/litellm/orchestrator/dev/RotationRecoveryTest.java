package io.litellm.orchestrator.dev;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.service.CrashScenes;
import io.litellm.orchestrator.service.CrashScenes.Scene;
import io.litellm.orchestrator.service.CrashScenes.Step;
import io.litellm.orchestrator.service.RecoverySweep;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A replica killed in the middle of a rotation by copy, against the LiteLLM simulator: LiteLLM is left exactly as the
 * saga leaves it at each step (claim, freed alias, marked copy holding the alias, grace marks, deleted old key), then
 * the next call that meets it converges it: the rotation is undone (copy deleted, alias and expiry back on the old
 * key) or, once the old key is gone, the copy stays as the key. Never while the rotation's lease runs.
 */
@QuarkusTest
@TestProfile(RotationRaceTest.Patient.class)
class RotationRecoveryTest {

    private static final String API = "/api/litellm-orchestrator";
    private static final Duration SHORT = Duration.ofSeconds(1);

    private final LiteLlmSimulator simulator;
    private final CrashScenes crash;
    private final LiteLlmClient litellm;
    private final RecoverySweep sweep;

    RotationRecoveryTest(LiteLlmSimulator simulator, CrashScenes crash, LiteLlmClient litellm, RecoverySweep sweep) {
        this.simulator = simulator;
        this.crash = crash;
        this.litellm = litellm;
        this.sweep = sweep;
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    @AfterEach
    void licensed() {
        simulator.licensed(true);
    }

    private static String token(String user) {
        return given().when().get("/dev/tokens/" + user).then().statusCode(200).extract().asString();
    }

    /** A fresh key of bob's; answers {keyId, secret}. */
    private static String[] bobsKey() {
        return bobsKey("{\"keyAlias\":\"laptop\",\"models\":[\"gpt-4o-mini\"],\"maxBudget\":3}");
    }

    /** A fresh key of bob's made from {@code body}; answers {keyId, secret}. */
    private static String[] bobsKey(String body) {
        Response created = given().auth().oauth2(token("bob")).contentType("application/json").body(body)
                .post(API + "/users/bob/keys");
        assertEquals(201, created.statusCode(), created.asString());
        return new String[] { created.path("keyId"), created.path("keySecret") };
    }

    private static Response regenerate(String keyId, String body) {
        return given().auth().oauth2(token("bob")).contentType("application/json").body(body)
                .post(API + "/users/bob/keys/" + keyId + "/regenerate");
    }

    private static List<Map<String, Object>> bobsKeys() {
        return given().auth().oauth2(token("bob")).get(API + "/users/bob/keys").then().statusCode(200).extract()
                .path("keys");
    }

    private int models(String secret) {
        return given().auth().oauth2(secret).get("/dev/litellm/v1/models").statusCode();
    }

    private boolean exists(String hash) {
        return litellm.findKey(hash).await().atMost(Duration.ofSeconds(10)).isPresent();
    }

    @ParameterizedTest(name = "enterprise={0}")
    @ValueSource(booleans = { false, true })
    void theNextRotationUndoesARotationInterruptedAfterTheCopyAndProceeds(boolean enterprise) throws Exception {
        simulator.licensed(enterprise);
        String[] old = bobsKey();
        Scene scene = crash.rotationDiedAfter(Step.COPY_CREATED, "bob", old[0], SHORT);
        assertTrue(exists(scene.copyHash()), "the crash left a copy");
        CrashScenes.leaseOver(scene);

        Response rotated = regenerate(old[0], "{}");

        assertEquals(200, rotated.statusCode(), rotated.asString());
        assertFalse(exists(scene.copyHash()), "the orphan copy is deleted");
        List<Map<String, Object>> keys = bobsKeys();
        assertEquals(1, keys.size(), "bob has exactly one key: " + keys);
        assertEquals(rotated.path("keyId"), keys.get(0).get("token"));
        assertEquals("laptop", keys.get(0).get("key_alias"), "the alias came back and moved on");
        // no claim (the leftover one included), no copy anywhere in LiteLLM
        assertEquals(1, simulator.keyCount(), "LiteLLM holds exactly one key");
        assertEquals(200, models(rotated.path("keySecret")));
        assertEquals(401, models(old[1]), "the old secret is dead");
    }

    @Test
    void withinItsLeaseAnInterruptedRotationIsLeftAloneAndItsCopyIsNotListed() {
        String[] old = bobsKey();
        Scene scene = crash.rotationDiedAfter(Step.COPY_CREATED, "bob", old[0], Duration.ofMinutes(1));

        // the rotation may be running on another replica: 409, nothing undone
        Response again = regenerate(old[0], "{}");
        assertEquals(409, again.statusCode(), again.asString());
        List<Map<String, Object>> keys = bobsKeys();
        assertEquals(1, keys.size(), "the copy in flight is not bob's key yet: " + keys);
        assertEquals(old[0], keys.get(0).get("token"));
        assertTrue(exists(scene.copyHash()), "a copy within its lease is left alone");
        assertEquals(200, models(old[1]), "the old secret still works");
    }

    @Test
    void aListingUndoesAnInterruptedRotationPastItsLease() throws Exception {
        String[] old = bobsKey();
        Scene scene = crash.rotationDiedAfter(Step.COPY_CREATED, "bob", old[0], SHORT);
        CrashScenes.leaseOver(scene);

        List<Map<String, Object>> keys = bobsKeys();

        assertEquals(1, keys.size(), keys.toString());
        assertEquals(old[0], keys.get(0).get("token"));
        assertEquals("laptop", keys.get(0).get("key_alias"));
        assertFalse(exists(scene.copyHash()));
        assertEquals(200, models(old[1]), "the caller's secret still works");
    }

    @Test
    void anInterruptedGraceRotationIsUndoneWithTheOldKeysExpiry() throws Exception {
        String[] old = bobsKey();
        Scene scene = crash.rotationDiedAfter(Step.GRACE_SET, "bob", old[0], SHORT);
        CrashScenes.leaseOver(scene);

        List<Map<String, Object>> keys = bobsKeys();

        assertEquals(1, keys.size(), keys.toString());
        Map<String, Object> row = keys.get(0);
        assertEquals(old[0], row.get("token"));
        assertEquals("laptop", row.get("key_alias"));
        assertNull(row.get("expires"), "it never expired before the rotation, and does not now");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) row.get("metadata");
        assertFalse(metadata.containsKey("rotated_to"), metadata.toString());
        assertFalse(exists(scene.copyHash()));
        // and it can be rotated with a grace period again (not "already rotated")
        Response rotated = regenerate(old[0], "{\"gracePeriod\":\"30s\"}");
        assertEquals(200, rotated.statusCode(), rotated.asString());
    }

    @Test
    void aRotationInterruptedAfterDeletingTheOldKeyLeavesTheCopyAsTheKey() throws Exception {
        String[] old = bobsKey();
        Scene scene = crash.rotationDiedAfter(Step.OLD_DELETED, "bob", old[0], SHORT);
        CrashScenes.leaseOver(scene);

        List<Map<String, Object>> keys = bobsKeys();

        assertEquals(1, keys.size(), keys.toString());
        assertEquals(scene.copyHash(), keys.get(0).get("token"));
        assertEquals("laptop", keys.get(0).get("key_alias"));
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) keys.get(0).get("metadata");
        assertFalse(metadata.containsKey("orchestrator_rotation_copy"), "committed by recovery: " + metadata);
        // its secret was never delivered: rotating it gives one
        Response rotated = regenerate(scene.copyHash(), "{}");
        assertEquals(200, rotated.statusCode(), rotated.asString());
        assertEquals(200, models(rotated.path("keySecret")));
    }

    @Test
    void aRotationInterruptedBeforeTheCopyGivesTheAliasBack() throws Exception {
        String[] old = bobsKey();
        Scene scene = crash.rotationDiedAfter(Step.ALIAS_FREED, "bob", old[0], SHORT);
        CrashScenes.leaseOver(scene);

        Response rotated = regenerate(old[0], "{}");

        assertEquals(200, rotated.statusCode(), rotated.asString());
        List<Map<String, Object>> keys = bobsKeys();
        assertEquals(1, keys.size(), keys.toString());
        assertEquals("laptop", keys.get(0).get("key_alias"));
        assertEquals(1, simulator.keyCount());
    }

    private String aliasOf(String keyId) {
        return litellm.findKey(keyId).await().atMost(Duration.ofSeconds(10)).orElseThrow().path("key_alias")
                .asText(null);
    }

    @Test
    void theStartUpSweepUndoesInterruptedRotationsNobodyCallsAbout() throws Exception {
        String[] first = bobsKey();
        Scene copied = crash.rotationDiedAfter(Step.COPY_CREATED, "bob", first[0], SHORT);
        Response other = given().auth().oauth2(token("bob")).contentType("application/json")
                .body("{\"keyAlias\":\"desktop\"}").post(API + "/users/bob/keys");
        Scene freed = crash.rotationDiedAfter(Step.ALIAS_FREED, "bob", other.path("keyId"), SHORT);
        CrashScenes.leaseOver(copied);
        CrashScenes.leaseOver(freed);

        RecoverySweep.Found found = sweep.sweep(5).await().atMost(Duration.ofSeconds(30));

        assertTrue(found.recovered() >= 2, found.toString());
        assertFalse(exists(copied.copyHash()));
        assertEquals("laptop", aliasOf(first[0]));
        assertEquals("desktop", aliasOf(other.path("keyId")));
    }

    @Test
    void theSweepLooksAgainWhenALeaseEnds() throws Exception {
        String[] old = bobsKey();
        Scene scene = crash.rotationDiedAfter(Step.COPY_CREATED, "bob", old[0], Duration.ofSeconds(3));

        RecoverySweep.Found found = sweep.sweep(5).await().atMost(Duration.ofSeconds(30));

        assertTrue(found.later() >= 1, found.toString());
        assertTrue(exists(scene.copyHash()), "within its lease the copy is left alone");
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (exists(scene.copyHash()) && System.nanoTime() < until) {
            Thread.sleep(250);
        }
        assertFalse(exists(scene.copyHash()), "undone once the lease ended");
        assertEquals("laptop", aliasOf(old[0]));
    }

    @Test
    void theSweepEndsGracePeriodsWhoseReplicaStoppedBeforeThem() throws Exception {
        String[] old = bobsKey();
        String[] successor = bobsKey("{\"keyAlias\":\"desktop\"}");
        // what a grace rotation leaves on the old key, with its timer lost: the replica that rotated it stopped
        com.fasterxml.jackson.databind.node.ObjectNode graced = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("key", old[0]).put("duration", "1s");
        graced.putObject("metadata").put("rotated_to", successor[0]);
        litellm.updateKey(graced, "test").await().atMost(Duration.ofSeconds(10));
        Thread.sleep(1100);
        assertTrue(exists(old[0]), "an expired row stays in LiteLLM until someone deletes it");

        RecoverySweep.Found found = sweep.sweep(5).await().atMost(Duration.ofSeconds(30));

        assertTrue(found.graceEnds() >= 1, found.toString());
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (exists(old[0]) && System.nanoTime() < until) {
            Thread.sleep(250);
        }
        assertFalse(exists(old[0]), "deleted once its grace period is over, which evicts LiteLLM's cached row");
        assertTrue(exists(successor[0]), "its successor stays");
    }
}

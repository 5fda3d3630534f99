package io.litellm.orchestrator.dev;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Stable key references ({@code keyRef}) end to end, against the LiteLLM simulator (the behaviour model of LiteLLM:
 * regenerate keeps the row's metadata unless the request names it, and then replaces it).
 */
@QuarkusTest
@TestProfile(RotationRaceTest.Patient.class)
class KeyRefTest {

    private static final String API = "/api/litellm-orchestrator";
    private static final String REF = "kr_[a-z2-7]{26}";
    /** The test profile's master key (application.properties), which the simulator checks. */
    private static final String MASTER_KEY = "sk-test-master-9f8e7d6c5b4a";

    private final LiteLlmSimulator simulator;

    KeyRefTest(LiteLlmSimulator simulator) {
        this.simulator = simulator;
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    @AfterEach
    void licensedAgain() {
        simulator.licensed(true);
    }

    private static String token(String user) {
        return given().when().get("/dev/tokens/" + user).then().statusCode(200).extract().asString();
    }

    private static Response create(String user) {
        Response created = given().auth().oauth2(token(user)).contentType("application/json")
                .body("{\"metadata\":{\"app\":\"ci\"}}").post(API + "/users/" + user + "/keys");
        assertEquals(201, created.statusCode(), created.asString());
        return created;
    }

    private static Response rotate(String user, String keyIdOrRef, String body) {
        return given().auth().oauth2(token(user)).contentType("application/json").body(body)
                .post(API + "/users/" + user + "/keys/" + keyIdOrRef + "/regenerate");
    }

    private static Response get(String caller, String user, String keyIdOrRef) {
        return given().auth().oauth2(token(caller)).get(API + "/users/" + user + "/keys/" + keyIdOrRef);
    }

    private int models(String secret) {
        return given().auth().oauth2(secret).get("/dev/litellm/v1/models").statusCode();
    }

    @Test
    void aKeyRefSurvivesNativeCopyAndGraceRotationsInARow() {
        Response created = create("bob");
        String ref = created.path("keyRef");
        assertTrue(ref.matches(REF), ref);
        get("bob", "bob", ref).then().statusCode(200).body("token", equalTo(created.path("keyId")))
                .body("keyRef", equalTo(ref)).body("rotations", equalTo(0)).body("lastRotatedAt", nullValue());

        // native (LiteLLM's regenerate), twice in a row, each time named by the reference
        simulator.licensed(true);
        Response first = rotate("bob", ref, "{}");
        first.then().statusCode(200).body("keyRef", equalTo(ref));
        Response second = rotate("bob", ref, "{\"metadata\":{\"app\":\"cd\"}}");
        second.then().statusCode(200).body("keyRef", equalTo(ref));
        assertNotEquals((String) first.path("keyId"), (String) second.path("keyId"));
        get("bob", "bob", ref).then().statusCode(200).body("token", equalTo(second.path("keyId")))
                .body("rotations", equalTo(2)).body("metadata.app", equalTo("cd"));

        // by copy (no licence)
        simulator.licensed(false);
        Response third = rotate("bob", ref, "{}");
        third.then().statusCode(200).body("keyRef", equalTo(ref));
        get("bob", "bob", ref).then().statusCode(200).body("token", equalTo(third.path("keyId")))
                .body("rotations", equalTo(3)).body("metadata.app", equalTo("cd"));

        // with a grace period: the reference names the new key, not the old one living out its grace
        Instant before = Instant.now();
        Response fourth = rotate("bob", ref, "{\"gracePeriod\":\"10m\"}");
        fourth.then().statusCode(200).body("keyRef", equalTo(ref));
        assertEquals(200, models(third.path("keySecret")), "the old key lives out its grace period");
        Response now = get("bob", "bob", ref);
        now.then().statusCode(200).body("token", equalTo(fourth.path("keyId"))).body("rotations", equalTo(4))
                .body("lastRotatedAt", notNullValue());
        assertTrue(!Instant.parse(now.path("lastRotatedAt")).isBefore(before.minusSeconds(1)));
        // both are listed; only the new one is live under the reference
        List<Map<String, Object>> rows = given().auth().oauth2(token("bob")).get(API + "/users/bob/keys")
                .then().statusCode(200).extract().path("keys");
        assertEquals(2, rows.size(), rows.toString());
        // and the next rotation goes on from the new key
        rotate("bob", ref, "{}").then().statusCode(200).body("keyRef", equalTo(ref));
        get("bob", "bob", ref).then().statusCode(200).body("rotations", equalTo(5));
    }

    @Test
    void everyKeyRouteTakesAKeyRef() {
        Response created = create("bob");
        String ref = created.path("keyRef");
        String bob = token("bob");

        given().auth().oauth2(bob).contentType("application/json").body("{\"keyAlias\":\"by-ref\"}")
                .patch(API + "/users/bob/keys/" + ref)
                .then().statusCode(200).body("key_alias", equalTo("by-ref")).body("keyRef", equalTo(ref))
                .body("token", equalTo(created.path("keyId")));
        get("bob", "bob", ref).then().statusCode(200).body("key_alias", equalTo("by-ref"));
        // the key id works as before
        get("bob", "bob", created.path("keyId")).then().statusCode(200).body("keyRef", equalTo(ref));
        Response rotated = rotate("bob", ref, "{}");
        rotated.then().statusCode(200).body("keyRef", equalTo(ref));
        given().auth().oauth2(bob).delete(API + "/users/bob/keys/" + ref).then().statusCode(204);
        assertEquals(401, models(rotated.path("keySecret")));
        get("bob", "bob", ref).then().statusCode(404).body("error.name", equalTo("NotFoundError"));
    }

    @Test
    void anotherUsersKeyRefIsNotFound() {
        String alicesRef = create("alice").path("keyRef");
        create("bob");
        String bob = token("bob");
        String root = token("root");

        get("bob", "bob", alicesRef).then().statusCode(404);
        given().auth().oauth2(bob).contentType("application/json").body("{\"keyAlias\":\"mine\"}")
                .patch(API + "/users/bob/keys/" + alicesRef).then().statusCode(404);
        given().auth().oauth2(bob).delete(API + "/users/bob/keys/" + alicesRef).then().statusCode(404);
        rotate("bob", alicesRef, "{}").then().statusCode(404);
        // an admin names the owner in the path like anyone: alice's reference under bob is no key of bob's
        get("root", "bob", alicesRef).then().statusCode(404);
        given().auth().oauth2(root).delete(API + "/users/bob/keys/" + alicesRef).then().statusCode(404);
        // alice's key is untouched
        get("alice", "alice", alicesRef).then().statusCode(200).body("rotations", equalTo(0));
    }

    @Test
    void aKeyMadeBeforeReferencesGetsOneOnItsFirstChangeOrRotation() {
        String changed = legacyKey("bob", "old-one");
        String rotated = legacyKey("bob", "old-two");
        get("bob", "bob", changed).then().statusCode(200).body("keyRef", nullValue());

        Response patched = given().auth().oauth2(token("bob")).contentType("application/json")
                .body("{\"blocked\":true}").patch(API + "/users/bob/keys/" + changed);
        patched.then().statusCode(200).body("keyRef", matchesPattern(REF)).body("blocked", equalTo(true))
                .body("metadata.app", equalTo("legacy"));
        get("bob", "bob", (String) patched.path("keyRef")).then().statusCode(200).body("token", equalTo(changed));

        Response regenerated = rotate("bob", rotated, "{}");
        regenerated.then().statusCode(200).body("keyRef", matchesPattern(REF));
        get("bob", "bob", (String) regenerated.path("keyRef")).then().statusCode(200)
                .body("token", equalTo(regenerated.path("keyId"))).body("rotations", equalTo(1))
                .body("metadata.app", equalTo("legacy"));
    }

    @Test
    void theReferenceAndRotationRecordAreNotTheCallersToSet() {
        Response created = create("bob");
        String ref = created.path("keyRef");
        String bob = token("bob");
        given().auth().oauth2(bob).contentType("application/json")
                .body("{\"metadata\":{\"orchestrator_key_ref\":\"kr_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}}")
                .patch(API + "/users/bob/keys/" + ref)
                .then().statusCode(403).body("error.message", org.hamcrest.Matchers.containsString(
                        "metadata.orchestrator_key_ref"));
        rotate("bob", ref, "{\"metadata\":{\"orchestrator_rotation_count\":0}}").then().statusCode(403);
        given().auth().oauth2(bob).contentType("application/json")
                .body("{\"metadata\":{\"orchestrator_key_ref\":\"kr_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}}")
                .post(API + "/users/bob/keys").then().statusCode(403);
        // an admin's metadata replaces the key's, but ours stay as they are
        given().auth().oauth2(token("root")).contentType("application/json")
                .body("{\"metadata\":{\"owner\":\"ops\",\"orchestrator_key_ref\":\"kr_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}}")
                .patch(API + "/users/bob/keys/" + ref)
                .then().statusCode(200).body("keyRef", equalTo(ref)).body("metadata.owner", equalTo("ops"))
                .body("metadata.app", nullValue());
        get("bob", "bob", ref).then().statusCode(200).body("token", equalTo(created.path("keyId")));
    }

    @Test
    void groupKeysHaveReferencesToo() {
        String bob = token("bob");
        Response created = given().auth().oauth2(bob).contentType("application/json").body("{}")
                .post(API + "/groups/user/keys");
        assertEquals(201, created.statusCode(), created.asString());
        String ref = created.path("keyRef");
        assertNotNull(ref);
        given().auth().oauth2(bob).get(API + "/groups/user/keys/" + ref).then().statusCode(200)
                .body("token", equalTo(created.path("keyId")));
        given().auth().oauth2(bob).contentType("application/json").body("{\"keyAlias\":\"team-ref\"}")
                .patch(API + "/groups/user/keys/" + ref).then().statusCode(200).body("keyRef", equalTo(ref));
        Response rotated = given().auth().oauth2(bob).contentType("application/json").body("{}")
                .post(API + "/groups/user/keys/" + ref + "/regenerate");
        rotated.then().statusCode(200).body("keyRef", equalTo(ref)).body("groupRef", equalTo("user"));
        given().auth().oauth2(bob).get(API + "/groups/user/keys/" + ref).then().statusCode(200)
                .body("token", equalTo(rotated.path("keyId"))).body("rotations", equalTo(1));
        // a personal key's reference is no key of the group's
        String personal = create("bob").path("keyRef");
        given().auth().oauth2(bob).get(API + "/groups/user/keys/" + personal).then().statusCode(404);
        given().auth().oauth2(bob).delete(API + "/groups/user/keys/" + ref).then().statusCode(204);
    }

    /** A key made in LiteLLM directly (or before references existed): no reference in its metadata. */
    private String legacyKey(String user, String alias) {
        create(user); // makes sure the user exists in LiteLLM
        LiteLlmSimulator.Reply reply = simulator.handle("POST", "/key/generate", Map.of(), "Bearer " + MASTER_KEY,
                "{\"user_id\":\"" + user + "\",\"key_alias\":\"" + alias + "\",\"metadata\":{\"app\":\"legacy\"}}");
        assertEquals(200, reply.status(), reply.body());
        return io.restassured.path.json.JsonPath.from(reply.body()).getString("token");
    }
}

package io.litellm.orchestrator.dev;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/**
 * The dev stack as {@code ./mvnw quarkus:dev} runs it: the app's client talks to the embedded simulator, callers use
 * dev tokens, nothing else runs. Walks the README's dev-mode walkthrough.
 */
@QuarkusTest
@TestProfile(DevStackTest.SelfContained.class)
class DevStackTest {

    private static final String API = "/api/litellm-orchestrator";

    /**
     * Same wiring as the dev profile: LiteLLM is the app itself, no identity provider configured. The client's URL is
     * fixed at start-up, so the app gets a known free port rather than a random one.
     */
    public static class SelfContained implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port = freePort();
            return Map.of("quarkus.http.test-port", String.valueOf(port),
                    "litellm.base-url", "http://localhost:" + port + "/dev/litellm");
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The test profile's master key (application.properties), which the simulator checks. */
    private static final String MASTER_KEY = "sk-test-master-9f8e7d6c5b4a";

    private final LiteLlmSimulator simulator;

    DevStackTest(LiteLlmSimulator simulator) {
        this.simulator = simulator;
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    private static String token(String user) {
        return given().when().get("/dev/tokens/" + user).then().statusCode(200).extract().asString();
    }

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(token(user)).contentType("application/json");
    }

    @Test
    void walkthroughCreateListDelete() {
        as("alice").body("{\"userId\":\"alice\"}").when().post(API + "/users")
                .then().statusCode(201).body("userId", equalTo("alice"));
        String keyId = as("alice").body("{\"keyAlias\":\"laptop\"}").when().post(API + "/users/alice/keys")
                .then().statusCode(201)
                .body("keySecret", matchesPattern("sk-.+"))
                .body("keyId", matchesPattern("[0-9a-f]{64}"))
                .extract().path("keyId");
        as("alice").when().get(API + "/users/alice/keys")
                .then().statusCode(200).body("keys", hasSize(1))
                .body("keys[0].token", equalTo(keyId)).body("keys[0].key_alias", equalTo("laptop"))
                .body("keys[0]", not(org.hamcrest.Matchers.hasKey("key")));
        // alias uniqueness comes back from the simulator as our 409
        as("alice").body("{\"keyAlias\":\"laptop\"}").when().post(API + "/users/alice/keys")
                .then().statusCode(409).body("name", equalTo("ConflictError"));
        as("alice").when().delete(API + "/users/alice/keys/" + keyId).then().statusCode(204);
        as("alice").when().get(API + "/users/alice/keys").then().statusCode(200).body("keys", empty());
        assertEquals(0, simulator.keyCount());
    }

    @Test
    void walkthroughPatchAndRegenerate() {
        as("alice").body("{\"userId\":\"alice\"}").when().post(API + "/users").then().statusCode(201);
        as("root").body("{\"maxBudget\":50,\"budgetDuration\":\"30d\"}").when().patch(API + "/users/alice")
                .then().statusCode(200).body("maxBudget", equalTo(50.0f));
        var created = as("alice").body("{\"keyAlias\":\"laptop\"}").when().post(API + "/users/alice/keys")
                .then().statusCode(201).extract();
        String keyId = created.path("keyId");
        String oldSecret = created.path("keySecret");

        as("alice").body("{\"keyAlias\":\"laptop-2024\",\"metadata\":{\"team\":\"ml\"}}")
                .when().patch(API + "/users/alice/keys/" + keyId)
                .then().statusCode(200).body("key_alias", equalTo("laptop-2024")).body("metadata.team", equalTo("ml"));

        String newKeyId = as("alice").when().post(API + "/users/alice/keys/" + keyId + "/regenerate")
                .then().statusCode(200).body("keySecret", matchesPattern("sk-.+"))
                .extract().path("keyId");
        assertNotEquals(keyId, newKeyId);
        // the simulated LiteLLM no longer knows the old secret or id; the alias moved to the new key
        given().auth().oauth2(MASTER_KEY).when().get("/dev/litellm/key/info?key=" + oldSecret).then().statusCode(404);
        as("alice").when().get(API + "/users/alice/keys").then().statusCode(200).body("keys", hasSize(1))
                .body("keys[0].token", equalTo(newKeyId)).body("keys[0].key_alias", equalTo("laptop-2024"));
    }

    @Test
    void devTokensCarryIdentityAndRoles() {
        as("root").body("{\"userId\":\"bob\",\"maxBudget\":5}").when().post(API + "/users").then().statusCode(201);
        as("bob").when().get(API + "/users/bob").then().statusCode(200).body("maxBudget", equalTo(5.0f));
        as("alice").when().get(API + "/users/bob").then().statusCode(403).body("name", equalTo("NotAllowedError"));
        as("root").when().get(API + "/users/nobody").then().statusCode(404);
    }

    @Test
    void tamperedOrUnknownDevTokensAreRefusedByOidc() {
        String alice = token("alice");
        String[] parts = alice.split("\\.");
        String root = token("root");
        // alice's signature on root's claims
        String spliced = root.split("\\.")[0] + "." + root.split("\\.")[1] + "." + parts[2];
        given().auth().oauth2(spliced).when().get(API + "/users/alice").then().statusCode(401);
        given().auth().oauth2(alice + "x").when().get(API + "/users/alice").then().statusCode(401);
        given().when().get("/dev/tokens/mallory").then().statusCode(404);
        given().when().get("/dev/tokens").then().statusCode(200)
                .body("alice", matchesPattern("[\\w-]+\\.[\\w-]+\\.[\\w-]+"))
                .body("root", not(equalTo(alice)));
    }

    @Test
    void simulatorChecksTheMasterKey() {
        given().auth().oauth2("sk-not-the-master-key").when().get("/dev/litellm/user/info?user_id=alice")
                // an sk- value that is not the master key is looked up as a virtual key: get_key_object's 401
                .then().statusCode(401).body("error.type", equalTo("token_not_found_in_db"))
                .body("error.code", equalTo("401"));
        given().when().get("/dev/litellm/health/liveliness").then().statusCode(200);
    }
}

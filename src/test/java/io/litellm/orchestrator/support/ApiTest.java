package io.litellm.orchestrator.support;

import static io.restassured.RestAssured.given;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.litellm.orchestrator.service.KnownUsers;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Common ground of the API tests: a clean LiteLLM stand-in and a closed breaker for every test.
 * Subclasses carry {@code @QuarkusTest} and {@code @WithTestResource(LiteLlmAndIdpResource)}.
 */
public abstract class ApiTest {

    public static final String BASE = "/api/litellm-orchestrator";
    /** A Backstage entity ref, and how the frontend sends it in a path. */
    public static final String JANE = "user:default/jane.doe";
    public static final String JANE_PATH = "user%3Adefault%2Fjane.doe";

    static {
        Evidence.install();
    }

    @Inject
    protected CircuitBreakerMaintenance breakers;

    @Inject
    protected KnownUsers knownUsers;

    @BeforeEach
    void cleanUpstream() {
        LiteLlmStubs.litellm().resetAll();
        // users remembered by an earlier test would spare this one's look-ups
        knownUsers.clear();
        RotationClaimStubs.install();
        LiteLlmStubs.keyListSizeCap();
        // rotations block the old key first; a test about block/unblock answers stubs its own (the newer stub wins)
        LiteLlmStubs.keyBlockable();
    }

    @AfterEach
    void closeBreakers() {
        breakers.resetAll();
    }

    /** A request as {@code principal} (no role), paths taken as already encoded. */
    protected static RequestSpecification as(String token) {
        return given().urlEncodingEnabled(false).auth().oauth2(token).contentType("application/json");
    }

    protected static RequestSpecification anonymous() {
        return given().urlEncodingEnabled(false).contentType("application/json");
    }
}

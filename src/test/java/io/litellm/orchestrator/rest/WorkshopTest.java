package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.Evidence;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Workshops against WireMock as LiteLLM, with real signed tokens. The test profile bounds a workshop call to 2
 * LiteLLM calls in flight ({@code %test.orchestrator.workshops.max-concurrency}), below the client's bulkhead of 4.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class WorkshopTest extends ApiTest {

    private static final String WS = "llm-intro";
    private static final String PATH = BASE + "/workshops/" + WS;
    private static final String BODY = """
            {"attendees": %d, "userPrefix": "participant", "userDomain": "workshop.example.com",
             "models": ["gpt-4o"], "maxBudget": 10, "duration": "7d"}""";

    static String user(int i) {
        return "participant" + i + "@workshop.example.com";
    }

    static String alias(int i) {
        return WS + "-" + user(i);
    }

    /** Fresh per test: SecretsHygieneTest allows a body only the first secret it carries, so none may recur. */
    static String salt = "";

    @org.junit.jupiter.api.BeforeEach
    void freshSecrets() {
        salt = Long.toString(System.nanoTime(), 36);
    }

    static String secret(int i) {
        return "sk-ws" + salt + "n" + i + "SecretAbcdef0123456789";
    }

    static String keyHash(int i) {
        return hash("ws-key-" + i);
    }

    static String row(int i) {
        return """
                {"token":"%s","key_name":"sk-...%d","key_alias":"%s","user_id":"%s","spend":0.5,"max_budget":10.0,
                 "expires":"2026-12-10T00:00:00Z","models":["gpt-4o"],"metadata":{"workshop":"%s"},"team_id":null}
                """.formatted(keyHash(i), i, alias(i), user(i), WS);
    }

    static String page(List<String> rows) {
        return "{\"keys\":[" + String.join(",", rows) + "],\"total_count\":" + rows.size()
                + ",\"current_page\":1,\"total_pages\":" + (rows.isEmpty() ? 0 : 1) + "}";
    }

    /**
     * Every user has no key (LiteLLM answers an empty page for an unknown user too), and may be created; keys may be
     * confirmed ({@code /key/update}).
     */
    static void nobodyHasKeys() {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).atPriority(10).willReturn(okJson(page(List.of()))));
        litellm().stubFor(post(urlPathEqualTo("/key/update")).atPriority(10).willReturn(okJson("{}")));
        litellm().stubFor(post(urlPathEqualTo("/user/new")).willReturn(okJson("""
                {"user_id":"x","max_budget":null,"budget_duration":null,"spend":0.0,"key":null,
                 "created_at":"2026-11-23T10:00:00Z","models":[]}""")));
    }

    /** Attendee i already has its workshop key. */
    static void hasKey(int i) {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("user_id", equalTo(user(i)))
                .atPriority(1).willReturn(okJson(page(List.of(row(i))))));
    }

    /** /key/generate for attendee i answers its secret. */
    static void generates(int i) {
        litellm().stubFor(post(urlPathEqualTo("/key/generate"))
                .withRequestBody(matchingJsonPath("$.key_alias", equalTo(alias(i))))
                .willReturn(okJson("""
                        {"key":"%s","token":"%s","user_id":"%s","key_alias":"%s","expires":null}
                        """.formatted(secret(i), keyHash(i), user(i), alias(i)))));
    }

    static void generateFails(int i) {
        litellm().stubFor(post(urlPathEqualTo("/key/generate"))
                .withRequestBody(matchingJsonPath("$.key_alias", equalTo(alias(i))))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Internal Server Error\",\"type\":\"internal_server_error\","
                                + "\"param\":null,\"code\":\"500\"}}")));
    }

    /** The unfiltered /key/list (no user_id) that GET, DELETE and prune read: one page of these rows. */
    static void allKeys(List<String> rows) {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("user_id", absent()).atPriority(1)
                .willReturn(okJson(page(rows))));
    }

    static JsonPath put(int attendees) {
        return put(attendees, "").extract().jsonPath();
    }

    static io.restassured.response.ValidatableResponse put(int attendees, String query) {
        return as(TestTokens.admin("root")).body(BODY.formatted(attendees)).put(PATH + query).then().statusCode(200);
    }

    @Test
    void firstCallCreatesEveryAttendeeWithItsSecret() {
        nobodyHasKeys();
        IntStream.rangeClosed(1, 3).forEach(WorkshopTest::generates);

        JsonPath answer = put(3);

        assertThat(answer.getString("workshopId")).isEqualTo(WS);
        assertThat(answer.getInt("created")).isEqualTo(3);
        assertThat(answer.getInt("existing")).isZero();
        assertThat(answer.getInt("failed")).isZero();
        assertThat(answer.getList("attendees.userId")).containsExactly(user(1), user(2), user(3));
        assertThat(answer.getList("attendees.keyId")).containsExactly(keyHash(1), keyHash(2), keyHash(3));
        assertThat(answer.getList("attendees.keySecret")).containsExactly(secret(1), secret(2), secret(3));
        litellm().verify(3, postRequestedFor(urlPathEqualTo("/user/new"))
                .withHeader("litellm-changed-by", equalTo("root"))
                .withRequestBody(matchingJsonPath("$.auto_create_key", equalTo("false"))));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY))
                .withRequestBody(equalToJson("""
                        {"user_id":"%s","key_alias":"%s","models":["gpt-4o"],"max_budget":10.0,"duration":"7d",
                         "metadata":{"workshop":"%s","orchestrator_key_ref":"${json-unit.regex}kr_[a-z2-7]{26}"}}"""
                        .formatted(user(2), alias(2), WS), false, true))
                // pending until the call answers
                .withRequestBody(matchingJsonPath("$.metadata.orchestrator_workshop_pending.until")));
        // confirmed once every attendee is done: the pending mark comes off
        IntStream.rangeClosed(1, 3).forEach(i -> litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update"))
                .withRequestBody(equalToJson(("{\"key\":\"%s\",\"metadata\":{\"workshop\":\"%s\","
                        + "\"orchestrator_key_ref\":\"${json-unit.regex}kr_[a-z2-7]{26}\"}}")
                        .formatted(keyHash(i), WS)))));
    }

    /** Attendee i has a key its provisioning call created pending until {@code until} (and then died, or not). */
    static void hasPendingKey(int i, java.time.Instant until) {
        String pending = row(i).replace("\"metadata\":{\"workshop\":\"" + WS + "\"}", "\"metadata\":{\"workshop\":\""
                + WS + "\",\"orchestrator_workshop_pending\":{\"until\":\"" + until + "\"}}");
        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("user_id", equalTo(user(i)))
                .atPriority(1).willReturn(okJson(page(List.of(pending)))));
    }

    @Test
    void aKeyWhoseCallDiedBeforeAnsweringIsReplacedWithANewSecret() {
        nobodyHasKeys();
        hasKey(1);
        hasPendingKey(2, java.time.Instant.now().minusSeconds(1));
        generates(2);
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{}")));

        JsonPath answer = put(2);

        assertThat(answer.getInt("created")).isEqualTo(1);
        assertThat(answer.getInt("existing")).isEqualTo(1);
        assertThat(answer.getList("attendees.keySecret")).containsExactly(null, secret(2));
        // the key nobody has the secret of is gone, a new one made
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + keyHash(2) + "\"]}")));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void aKeyOfACallStillRunningIsLeftAlone() {
        nobodyHasKeys();
        hasPendingKey(1, java.time.Instant.now().plusSeconds(120));

        JsonPath answer = put(1);

        assertThat(answer.getInt("failed")).isEqualTo(1);
        assertThat(answer.getList("attendees.error").get(0).toString()).contains("still running");
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/delete")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void aKeyThatCannotBeConfirmedIsDeletedAndItsSecretNotShown() {
        nobodyHasKeys();
        generates(1);
        generates(2);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.key", equalTo(keyHash(2))))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"db down\",\"type\":\"x\",\"param\":null,\"code\":\"500\"}}")));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{}")));

        JsonPath answer = put(2);

        assertThat(answer.getInt("created")).isEqualTo(1);
        assertThat(answer.getInt("failed")).isEqualTo(1);
        assertThat(answer.getList("attendees.keySecret")).containsExactly(secret(1), null);
        assertThat(answer.getList("attendees.error").get(1).toString()).contains("could not be confirmed");
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + keyHash(2) + "\"]}")));
    }

    @Test
    void sameCallAgainCreatesNothingAndShowsNoSecret() {
        nobodyHasKeys();
        IntStream.rangeClosed(1, 3).forEach(WorkshopTest::hasKey);

        JsonPath answer = put(3);

        assertThat(answer.getInt("created")).isZero();
        assertThat(answer.getInt("existing")).isEqualTo(3);
        assertThat(answer.getList("attendees.keyId")).containsExactly(keyHash(1), keyHash(2), keyHash(3));
        assertThat(answer.getList("attendees.keySecret")).containsExactly(null, null, null);
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/user/new")));
        // fewest calls: one lookup per attendee, plus one for attendee 4 (are there more than asked for?)
        assertThat(litellm().getAllServeEvents()).hasSize(4);
    }

    @Test
    void moreAttendeesCreatesOnlyTheNewOnes() {
        nobodyHasKeys();
        hasKey(1);
        hasKey(2);
        IntStream.rangeClosed(1, 4).forEach(WorkshopTest::generates);

        JsonPath answer = put(4);

        assertThat(answer.getInt("created")).isEqualTo(2);
        assertThat(answer.getInt("existing")).isEqualTo(2);
        assertThat(answer.getList("attendees.keySecret")).containsExactly(null, null, secret(3), secret(4));
        litellm().verify(2, postRequestedFor(urlPathEqualTo("/key/generate")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withRequestBody(matchingJsonPath("$.key_alias", equalTo(alias(1)))));
    }

    @Test
    void fewerAttendeesIsAConflictUnlessPruned() {
        nobodyHasKeys();
        IntStream.rangeClosed(1, 4).forEach(WorkshopTest::hasKey);
        as(TestTokens.admin("root")).body(BODY.formatted(2)).put(PATH).then().statusCode(409)
                .body("error.name", org.hamcrest.Matchers.equalTo("ConflictError")).body("message", containsString("prune=true"));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/key/delete")));

        // prune: the keys of attendees 3 and 4 (found by their metadata) go, in one call; others' keys stay
        allKeys(List.of(row(1), row(2), row(3), row(4),
                "{\"token\":\"" + hash("other") + "\",\"key_alias\":\"llm-intro-x\",\"user_id\":\"bob\",\"metadata\":{}}"));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{\"deleted_keys\":[]}")));
        JsonPath answer = put(2, "?prune=true").extract().jsonPath();

        assertThat(answer.getInt("removed")).isEqualTo(2);
        assertThat(answer.getInt("existing")).isEqualTo(2);
        assertThat(answer.getInt("failed")).isZero();
        assertThat(answer.getList("attendees.userId")).containsExactly(user(1), user(2));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + keyHash(3) + "\",\"" + keyHash(4) + "\"]}")));
    }

    @Test
    void failureMidwayLosesNothingAndARerunFinishes() {
        nobodyHasKeys();
        generates(1);
        generates(2);
        generateFails(3);
        generateFails(4);
        generates(5);

        JsonPath first = put(5);

        assertThat(first.getInt("created")).isEqualTo(3);
        assertThat(first.getInt("failed")).isEqualTo(2);
        assertThat(first.getList("attendees.keySecret")).containsExactly(secret(1), secret(2), null, null, secret(5));
        assertThat(first.getList("attendees.error")).containsExactly(null, null, "LiteLLM failed (500)",
                "LiteLLM failed (500)", null);
        assertThat(first.getList("attendees.keyId")).containsExactly(keyHash(1), keyHash(2), null, null, keyHash(5));
        // a write is never retried: each failed key was asked for once
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withRequestBody(matchingJsonPath("$.key_alias", equalTo(alias(3)))));

        // LiteLLM is back; it holds the three keys made so far
        litellm().resetAll();
        nobodyHasKeys();
        hasKey(1);
        hasKey(2);
        hasKey(5);
        generates(3);
        generates(4);
        JsonPath rerun = put(5);

        assertThat(rerun.getInt("created")).isEqualTo(2);
        assertThat(rerun.getInt("existing")).isEqualTo(3);
        assertThat(rerun.getInt("failed")).isZero();
        assertThat(rerun.getList("attendees.keySecret")).containsExactly(null, null, secret(3), secret(4), null);
        litellm().verify(2, postRequestedFor(urlPathEqualTo("/key/generate")));
    }

    @Test
    void csvListsUserKeyAndSecret() {
        nobodyHasKeys();
        hasKey(1);
        generates(2);
        String csv = as(TestTokens.admin("root")).accept("text/csv").body(BODY.formatted(2)).put(PATH).then()
                .statusCode(200).contentType(containsString("text/csv")).header("Cache-Control", "no-store")
                .header("X-Workshop-Created", "1").extract().asString();
        assertThat(csv.split("\r\n")).containsExactly("userId,keyId,keySecret",
                user(1) + "," + keyHash(1) + ",",
                user(2) + "," + keyHash(2) + "," + secret(2));
    }

    @Test
    void noMoreThanTheConfiguredCallsAreInFlight() {
        // every LiteLLM answer takes 150 ms: with 8 attendees of 3 calls each and 8 confirmations, calls overlap
        // unless bounded
        litellm().stubFor(get(urlPathEqualTo("/key/list")).atPriority(10)
                .willReturn(okJson(page(List.of())).withFixedDelay(150)));
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{}").withFixedDelay(150)));
        litellm().stubFor(post(urlPathEqualTo("/user/new")).willReturn(okJson("{\"user_id\":\"x\"}").withFixedDelay(150)));
        IntStream.rangeClosed(1, 8).forEach(i -> litellm().stubFor(post(urlPathEqualTo("/key/generate"))
                .withRequestBody(matchingJsonPath("$.key_alias", equalTo(alias(i))))
                .willReturn(okJson("{\"key\":\"%s\",\"token\":\"%s\"}".formatted(secret(i), keyHash(i)))
                        .withFixedDelay(150))));

        JsonPath answer = put(8);

        List<ServeEvent> calls = litellm().getAllServeEvents();
        assertThat(maxInFlight(calls)).isEqualTo(2);
        assertThat(answer.getInt("created")).isEqualTo(8);
        assertThat(calls).hasSize(8 * 4 + 1);
    }

    /** Most calls WireMock was serving at once: each call spans from its arrival until its answer was sent. */
    static int maxInFlight(List<ServeEvent> calls) {
        List<long[]> edges = new ArrayList<>();
        for (ServeEvent call : calls) {
            long start = call.getRequest().getLoggedDate().getTime();
            long end = start + call.getTiming().getTotalTime();
            edges.add(new long[] { start, 1 });
            edges.add(new long[] { end, -1 });
        }
        // at the same millisecond an answer sent counts before a call that arrives
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int now = 0;
        int max = 0;
        for (long[] edge : edges) {
            now += (int) edge[1];
            max = Math.max(max, now);
        }
        return max;
    }

    @Test
    void getListsKeysSpendAndExpiryWithoutSecrets() {
        allKeys(List.of(row(2), row(1), row(3).replace("\"workshop\":\"" + WS + "\"", "\"workshop\":\"other\""),
                "{\"token\":\"" + hash("bob") + "\",\"key_alias\":\"x\",\"user_id\":\"bob\",\"metadata\":{}}"));
        as(TestTokens.admin("root")).get(PATH).then().statusCode(200)
                .body("workshopId", org.hamcrest.Matchers.equalTo(WS))
                .body("attendees", hasSize(2))
                .body("attendees.userId", org.hamcrest.Matchers.contains(user(1), user(2)))
                .body("attendees.keyId", org.hamcrest.Matchers.contains(keyHash(1), keyHash(2)))
                .body("attendees[0].spend", org.hamcrest.Matchers.equalTo(0.5f))
                .body("attendees[0].expires", org.hamcrest.Matchers.equalTo("2026-12-10T00:00:00Z"))
                .body("totalSpend", org.hamcrest.Matchers.equalTo(1.0f))
                .body(not(containsString("keySecret")));
        litellm().verify(getRequestedFor(urlPathEqualTo("/key/list")).withQueryParam("return_full_object",
                equalTo("true")));
    }

    @Test
    void deleteRemovesEveryKeyThenIsNotFound() {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).inScenario("delete").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(page(List.of(row(1), row(2))))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).inScenario("delete")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("gone").willReturn(okJson("{\"deleted_keys\":[]}")));
        litellm().stubFor(get(urlPathEqualTo("/key/list")).inScenario("delete").whenScenarioStateIs("gone")
                .willReturn(okJson(page(List.of()))));

        as(TestTokens.admin("root")).delete(PATH).then().statusCode(204);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete")).withHeader("litellm-changed-by",
                equalTo("root")).withRequestBody(equalToJson("{\"keys\":[\"" + keyHash(1) + "\",\"" + keyHash(2) + "\"]}")));
        litellm().verify(0, postRequestedFor(urlPathEqualTo("/user/delete")));

        as(TestTokens.admin("root")).delete(PATH).then().statusCode(404).body("error.name", org.hamcrest.Matchers.equalTo("NotFoundError"));
    }

    @Test
    void deleteWithUsersDeletesTheUsersAndWhatKeysAreLeft() {
        litellm().stubFor(get(urlPathEqualTo("/key/list")).inScenario("users").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(page(List.of(row(1), row(2))))));
        litellm().stubFor(post(urlPathEqualTo("/user/delete")).inScenario("users")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("users gone").willReturn(okJson("{}")));
        // LiteLLM deleted attendee 1's key with its user; attendee 2's is still listed
        litellm().stubFor(get(urlPathEqualTo("/key/list")).inScenario("users").whenScenarioStateIs("users gone")
                .willReturn(okJson(page(List.of(row(2))))));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(okJson("{\"deleted_keys\":[]}")));

        as(TestTokens.admin("root")).delete(PATH + "?users=true").then().statusCode(204);

        litellm().verify(1, postRequestedFor(urlPathEqualTo("/user/delete"))
                .withRequestBody(equalToJson("{\"user_ids\":[\"" + user(1) + "\",\"" + user(2) + "\"]}")));
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + keyHash(2) + "\"]}")));
    }

    @Test
    void deleteFailingMidwayIsABadGatewayAndKeepsTheRestForARerun() {
        allKeys(List.of(row(1)));
        litellm().stubFor(post(urlPathEqualTo("/key/delete")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"boom\"}}")));
        as(TestTokens.admin("root")).delete(PATH).then().statusCode(502).body("error.name", org.hamcrest.Matchers.equalTo("BadGatewayError"));
    }

    @Test
    void onlyAdminsAndNothingReachesLiteLlm() {
        nobodyHasKeys();
        as(TestTokens.user("participant1@workshop.example.com")).body(BODY.formatted(1)).put(PATH).then()
                .statusCode(403).body("error.name", org.hamcrest.Matchers.equalTo("NotAllowedError"));
        as(TestTokens.user("alice")).get(PATH).then().statusCode(403);
        as(TestTokens.user("alice")).delete(PATH).then().statusCode(403);
        anonymous().body(BODY.formatted(1)).put(PATH).then().statusCode(401)
                .body("error.name", org.hamcrest.Matchers.equalTo("AuthenticationError"));
        anonymous().get(PATH).then().statusCode(401);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void badInputIsA400NamingTheField() {
        String admin = TestTokens.admin("root");
        as(admin).body(BODY.formatted(1)).put(BASE + "/workshops/bad%20id").then().statusCode(400)
                .body("message", containsString("workshopId"));
        as(admin).body(BODY.formatted(1)).put(BASE + "/workshops/" + "w".repeat(65)).then().statusCode(400)
                .body("message", containsString("workshopId"));
        as(admin).body(BODY.formatted(0)).put(PATH).then().statusCode(400)
                .body("message", containsString("attendees: must be at least 1"));
        as(admin).body(BODY.formatted(1001)).put(PATH).then().statusCode(400)
                .body("message", org.hamcrest.Matchers.equalTo("attendees: must be at most 1000"));
        as(admin).body(BODY.formatted(2).replace("participant", "part,icipant")).put(PATH).then().statusCode(400)
                .body("message", containsString("userPrefix"));
        as(admin).body(BODY.formatted(2).replace("workshop.example.com", "evil/../x")).put(PATH).then().statusCode(400)
                .body("message", containsString("userDomain"));
        as(admin).body(BODY.formatted(2).replace("7d", "forever")).put(PATH).then().statusCode(400)
                .body("message", containsString("duration"));
        as(admin).body("{\"attendees\":2,\"userDomain\":\"workshop.example.com\"}").put(PATH).then().statusCode(400)
                .body("message", containsString("userPrefix"));
        as(admin).put(PATH).then().statusCode(400);
        litellm().verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void oneAuditLineWithCountsAndNoSecretsProgressInTheLog() {
        nobodyHasKeys();
        hasKey(1);
        generates(2);
        int before = Evidence.logLines().size();

        put(2);

        List<String> lines = Evidence.logLines();
        List<String> mine = lines.subList(before, lines.size());
        List<String> audit = mine.stream().filter(line -> line.startsWith("audit ")).toList();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0)).contains("operation=provisionWorkshop caller=root actingAs=admin workshop=" + WS
                + " requested=2 prune=false created=1 existing=1 failed=0 removed=0 outcome=success");
        assertThat(mine.stream().filter(line -> line.contains("attendees done")).collect(Collectors.toList()))
                .isNotEmpty();
        assertThat(String.join("\n", mine)).doesNotContain(secret(2));
    }
}

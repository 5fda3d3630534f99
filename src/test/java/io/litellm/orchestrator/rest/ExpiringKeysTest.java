package io.litellm.orchestrator.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.support.ApiTest;
import io.litellm.orchestrator.support.KeyFixtures;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * What is about to break: {@code GET /users/{userId}/keys?expiringWithin=…&budgetUsedAbove=…} over every LiteLLM
 * page of the user's keys, and an admin's {@code GET /keys} over every key, a stretch of pages per request
 * ({@code orchestrator.key-scan.pages-per-request} is 2 in tests) with a cursor. WireMock serves several
 * {@code /key/list} pages; the answers must hold exactly the matching keys.
 */
@QuarkusTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ExpiringKeysTest extends ApiTest {

    private static final Instant NOW = Instant.now();

    /**
     * A key row: expiring in {@code expiresInHours} (null: never), spending {@code spend} of {@code maxBudget}
     * (null: no budget), used {@code lastActive} (LiteLLM rows of newer releases carry it).
     */
    private static ObjectNode key(String name, String owner, Integer expiresInHours, double spend, Double maxBudget) {
        ObjectNode row = KeyFixtures.row(hash(name), owner, "{}");
        row.put("key_alias", name);
        if (expiresInHours == null) {
            row.putNull("expires");
        } else {
            row.put("expires", NOW.plus(expiresInHours, ChronoUnit.HOURS).toString());
        }
        row.put("spend", spend);
        if (maxBudget == null) {
            row.putNull("max_budget");
        } else {
            row.put("max_budget", maxBudget);
        }
        row.put("last_active", NOW.minus(1, ChronoUnit.HOURS).toString());
        return row;
    }

    /** ivy's keys over three pages; the comment says which filters each one matches. */
    private static List<List<ObjectNode>> ivysPages() {
        return List.of(
                List.of(key("soon", "ivy", 48, 0, null),                 // expiring
                        key("later", "ivy", 24 * 10, 0, 10.0),           // neither
                        key("never", "ivy", null, 9.5, 10.0)),           // budget
                List.of(key("expired", "ivy", -24, 0, null),             // expiring (already)
                        key("at-share", "ivy", null, 8.0, 10.0),         // neither: 0.8 is not above 0.8
                        key("both", "ivy", 1, 20.0, 20.0)),              // expiring and budget
                List.of(key("no-budget", "ivy", null, 100.0, null),      // neither: no budget to use up
                        key("zero-budget", "ivy", null, 0.0, 0.0),       // budget: LiteLLM refuses it already
                        key("edge-7d", "ivy", 24 * 7 - 1, 0, null)));    // expiring
    }

    private static void pages(String userId, List<List<ObjectNode>> pages) {
        for (int i = 0; i < pages.size(); i++) {
            ObjectNode answer = KeyFixtures.JSON.createObjectNode();
            ArrayNode keys = answer.putArray("keys");
            pages.get(i).forEach(keys::add);
            answer.put("total_count", pages.stream().mapToInt(List::size).sum());
            answer.put("current_page", i + 1);
            answer.put("total_pages", pages.size());
            var stub = get(urlPathEqualTo("/key/list")).withQueryParam("page", equalTo(String.valueOf(i + 1)));
            stub = userId == null ? stub.withQueryParam("user_id", absent())
                    : stub.withQueryParam("user_id", equalTo(userId));
            litellm().stubFor(stub.willReturn(okJson(answer.toString())));
        }
    }

    private static Set<String> aliases(JsonPath answer) {
        return new TreeSet<>(answer.getList("keys.key_alias", String.class));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "expiringWithin=7d | both,edge-7d,expired,soon",
            "budgetUsedAbove=0.8 | both,never,zero-budget",
            "expiringWithin=7d&budgetUsedAbove=0.8 | both",
            "budgetUsedAbove=0 | both,at-share,never,zero-budget",
            "expiringWithin=2d | both,expired,soon" })
    void aUsersKeysAreFilteredAcrossEveryPage(String query, String expected) {
        pages("ivy", ivysPages());

        JsonPath answer = as(TestTokens.user("ivy")).get(BASE + "/users/ivy/keys?" + query).then()
                .statusCode(200).extract().jsonPath();

        assertEquals(new TreeSet<>(List.of(expected.split(","))), aliases(answer));
        litellm().verify(3, getRequestedFor(urlPathEqualTo("/key/list")).withQueryParam("user_id", equalTo("ivy")));
    }

    @Test
    void rowsShowSpendBudgetExpiryAndLastUse() {
        pages("ivy", ivysPages());

        JsonPath answer = as(TestTokens.user("ivy")).get(BASE + "/users/ivy/keys?budgetUsedAbove=0.9").then()
                .statusCode(200).extract().jsonPath();

        assertEquals(9.5f, answer.getFloat("keys.find { it.key_alias == 'never' }.spend"));
        assertEquals(10.0f, answer.getFloat("keys.find { it.key_alias == 'never' }.max_budget"));
        assertEquals(NOW.minus(1, ChronoUnit.HOURS).toString(),
                answer.getString("keys.find { it.key_alias == 'never' }.last_active"));
    }

    @Test
    void withoutFiltersEveryKeyIsListed() {
        pages("ivy", ivysPages());
        as(TestTokens.user("ivy")).get(BASE + "/users/ivy/keys").then().statusCode(200)
                .body("keys.size()", org.hamcrest.Matchers.equalTo(9));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "expiringWithin=7days | expiringWithin",
            "expiringWithin=0d | expiringWithin",
            "budgetUsedAbove=abc | budgetUsedAbove",
            "budgetUsedAbove=-0.5 | budgetUsedAbove",
            "budgetUsedAbove=1e3 | budgetUsedAbove" })
    void aBadFilterIsA400NamingTheParameter(String query, String parameter) {
        as(TestTokens.user("ivy")).get(BASE + "/users/ivy/keys?" + query).then()
                .statusCode(400)
                .body("error.name", org.hamcrest.Matchers.equalTo("InputError"))
                .body("error.message", containsString(parameter + ":"));
        assertEquals(0, litellm().getAllServeEvents().size(), "nothing is read for a bad filter");
    }

    @Test
    void anotherUsersKeysStayForbidden() {
        as(TestTokens.user("una")).get(BASE + "/users/ivy/keys?expiringWithin=7d").then().statusCode(403);
    }

    // --- an admin's scan of every key -------------------------------------------------------------------

    /** Every key, users' and a team's, over five pages. */
    private static List<List<ObjectNode>> everyPage() {
        List<List<ObjectNode>> pages = new ArrayList<>(ivysPages());
        ObjectNode teamKey = key("team-soon", null, 5, 0, null);
        teamKey.putNull("user_id");
        teamKey.put("team_id", "grp-0123");
        pages.add(List.of(key("bob-later", "bob", 24 * 30, 1, 100.0), teamKey));
        pages.add(List.of(key("carl-over", "carl", null, 30, 25.0)));
        return pages;
    }

    @Test
    void anAdminPagesThroughEveryKeyWithACursorAndGetsExactlyTheMatches() {
        pages(null, everyPage());
        String admin = TestTokens.admin("root");
        Set<String> found = new TreeSet<>();
        List<String> cursors = new ArrayList<>();

        String cursor = null;
        do {
            JsonPath answer = as(admin).get(BASE + "/keys?expiringWithin=7d" + (cursor == null ? "" : "&cursor=" + cursor))
                    .then().statusCode(200).extract().jsonPath();
            found.addAll(aliases(answer));
            cursor = answer.getString("nextCursor");
            cursors.add(String.valueOf(cursor));
        } while (cursor != null);

        assertEquals(new TreeSet<>(List.of("both", "edge-7d", "expired", "soon", "team-soon")), found);
        // two pages per request: pages 1-2, 3-4, 5
        assertEquals(List.of("3", "5", "null"), cursors);
        for (int page = 1; page <= 5; page++) {
            litellm().verify(1, getRequestedFor(urlPathEqualTo("/key/list"))
                    .withQueryParam("page", equalTo(String.valueOf(page)))
                    .withQueryParam("size", equalTo("100"))
                    .withQueryParam("return_full_object", equalTo("true")));
        }
    }

    @Test
    void anAdminsScanFiltersOnBudgetAcrossUsersAndTeams() {
        pages(null, everyPage());
        String admin = TestTokens.admin("root");

        as(admin).get(BASE + "/keys?budgetUsedAbove=0.8&cursor=4").then().statusCode(200)
                .body("keys.key_alias", org.hamcrest.Matchers.contains("carl-over"))
                .body("nextCursor", nullValue());
    }

    @Test
    void theScanIsForAdminsOnly() {
        as(TestTokens.user("ivy")).get(BASE + "/keys?expiringWithin=7d").then().statusCode(403);
        assertEquals(0, litellm().getAllServeEvents().size());
    }

    @ParameterizedTest
    @CsvSource({ "cursor=abc, cursor", "cursor=0, cursor", "expiringWithin=soon, expiringWithin" })
    void aBadScanParameterIsA400NamingIt(String query, String parameter) {
        as(TestTokens.admin("root")).get(BASE + "/keys?" + query).then().statusCode(400)
                .body("error.message", containsString(parameter + ":"));
    }
}

package io.litellm.orchestrator.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.litellm.orchestrator.support.LiteLlmStubs.MASTER_KEY;
import static io.litellm.orchestrator.support.LiteLlmStubs.hash;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyDeleted;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyGenerated;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyOwnedBy;
import static io.litellm.orchestrator.support.LiteLlmStubs.keyUnknown;
import static io.litellm.orchestrator.support.LiteLlmStubs.litellm;
import static io.litellm.orchestrator.support.LiteLlmStubs.row;
import static io.litellm.orchestrator.support.LiteLlmStubs.userCreated;
import static io.litellm.orchestrator.support.LiteLlmStubs.userExists;
import static io.litellm.orchestrator.support.LiteLlmStubs.userUnknown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URL;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.contract.client.ApiClient;
import io.litellm.orchestrator.contract.client.ApiException;
import io.litellm.orchestrator.contract.client.api.GroupsApi;
import io.litellm.orchestrator.contract.client.api.MeApi;
import io.litellm.orchestrator.contract.client.api.UsersApi;
import io.litellm.orchestrator.contract.client.api.WorkshopsApi;
import io.litellm.orchestrator.contract.client.model.CreateUserKeyRequest;
import io.litellm.orchestrator.contract.client.model.CreateUserRequest;
import io.litellm.orchestrator.contract.client.model.RegenerateUserKeyRequest;
import io.litellm.orchestrator.contract.client.model.UpdateUserKeyRequest;
import io.litellm.orchestrator.contract.client.model.Error;
import io.litellm.orchestrator.contract.client.model.Group;
import io.litellm.orchestrator.contract.client.model.GroupKey;
import io.litellm.orchestrator.contract.client.model.GroupKeyList;
import io.litellm.orchestrator.contract.client.model.Me;
import io.litellm.orchestrator.contract.client.model.UpdateGroupRequest;
import io.litellm.orchestrator.contract.client.model.User;
import io.litellm.orchestrator.contract.client.model.UserAPIKeyAuth;
import io.litellm.orchestrator.contract.client.model.UserKey;
import io.litellm.orchestrator.contract.client.model.UserKeyList;
import io.litellm.orchestrator.support.KeyFixtures;
import io.litellm.orchestrator.contract.client.model.WorkshopRequest;
import io.litellm.orchestrator.contract.client.model.WorkshopResult;
import io.litellm.orchestrator.contract.client.model.WorkshopView;
import io.litellm.orchestrator.support.LiteLlmAndIdpResource;
import io.litellm.orchestrator.support.RotationClaimStubs;
import io.litellm.orchestrator.support.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * A Java client generated at build time from the committed {@code openapi/openapi.yaml} drives the packaged app
 * (WireMock plays LiteLLM, tokens are signed by the test identity provider). If the contract stops describing
 * what the service does (a path, a status, a field), the client fails to call it or to read the answer.
 */
@QuarkusIntegrationTest
@WithTestResource(value = LiteLlmAndIdpResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class GeneratedClientIT {

    private static final String JANE = "user:default/jane.doe";
    private static final String SECRET = "sk-Gen3rat3dCli3ntRoundTrip";

    @TestHTTPResource("/api/litellm-orchestrator")
    URL base;

    @BeforeEach
    void cleanUpstream() {
        litellm().resetAll();
        RotationClaimStubs.install();
        // rotations block the old key first
        io.litellm.orchestrator.support.LiteLlmStubs.keyBlockable();
    }

    @Test
    void createUserThenKeyThenListUpdateRegenerateAndDelete() throws ApiException {
        UsersApi jane = client(TestTokens.user(JANE));
        String keyId = hash("jane-client");

        // /user/new answers no created_at: the service reads the new user back
        io.litellm.orchestrator.support.LiteLlmStubs.userCreatedOnDemand(
                io.litellm.orchestrator.support.LiteLlmStubs.line(), JANE);
        User user = jane.createUser(new CreateUserRequest().userId(JANE));
        assertEquals(JANE, user.getUserId());
        assertEquals("2026-11-23T10:00:00Z", user.getCreatedAt());
        assertEquals(0.0, user.getSpend());

        userExists(JANE);
        keyGenerated(JANE, SECRET, keyId);
        UserKey key = jane.createUserKey(JANE, new CreateUserKeyRequest());
        assertEquals(JANE, key.getUserId());
        assertEquals(keyId, key.getKeyId());
        assertEquals(SECRET, key.getKeySecret());
        org.junit.jupiter.api.Assertions.assertTrue(key.getKeyRef().matches("kr_[a-z2-7]{26}"), key.getKeyRef());
        // the empty request went out as the frontend's {} and reached LiteLLM as a key for jane only
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate"))
                .withHeader("Authorization", equalTo("Bearer " + MASTER_KEY))
                .withRequestBody(equalToJson("{\"user_id\":\"" + JANE + "\",\"metadata\":{\"orchestrator_key_ref\":\"${json-unit.regex}kr_[a-z2-7]{26}\"}}")));

        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson("{\"keys\":[" + row(keyId, JANE)
                + "],\"total_count\":1,\"current_page\":1,\"total_pages\":1}")));
        UserKeyList list = jane.getUserKeys(JANE, null, null);
        List<UserAPIKeyAuth> keys = list.getKeys();
        assertEquals(1, keys.size());
        assertEquals(keyId, keys.get(0).getToken());
        assertEquals(JANE, keys.get(0).getUserId());
        assertEquals("sk-...wxyz", keys.get(0).getKeyName());

        keyOwnedBy(keyId, JANE);
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + keyId + "\"}")));
        UserAPIKeyAuth updated = jane.updateUserKey(keyId, JANE, new UpdateUserKeyRequest().keyAlias("laptop"));
        assertEquals(keyId, updated.getToken());
        assertEquals("laptop", updated.getKeyAlias());
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update"))
                .withRequestBody(equalToJson("{\"key\":\"" + keyId + "\",\"key_alias\":\"laptop\"}", false, true)));

        String rotatedId = hash("jane-client-rotated");
        String rotatedSecret = "sk-R0tat3dCli3ntRoundTrip";
        keyGenerated(JANE, rotatedSecret, rotatedId);
        keyOwnedBy(rotatedId, JANE);
        // with a grace period: a copy, and the old key expires in 30 min, marked as rotated
        UserKey rotated = jane.regenerateUserKey(keyId, JANE, new RegenerateUserKeyRequest().gracePeriod("30m"));
        assertEquals(JANE, rotated.getUserId());
        assertEquals(rotatedId, rotated.getKeyId());
        assertEquals(rotatedSecret, rotated.getKeySecret());
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/update")).withRequestBody(equalToJson(
                "{\"key\":\"" + keyId + "\",\"duration\":\"1800s\",\"metadata\":{\"rotated_to\":\"" + rotatedId
                        + "\"}}", false, true)));
        assertEquals(0, KeyFixtures.bodies("/key/delete").size(), "the old key lives out its grace period");

        keyOwnedBy(rotatedId, JANE);
        keyDeleted();
        jane.deleteUserKey(rotatedId, JANE);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + rotatedId + "\"]}")));
    }

    @Test
    void anotherUsersUserIs403DecodedAsError() throws Exception {
        UsersApi bob = client(TestTokens.user("bob"));
        ApiException e = assertThrows(ApiException.class, () -> bob.getUser(JANE));
        assertEquals(403, e.getCode());
        Error error = decode(e);
        assertEquals("NotAllowedError", error.getName());
        assertEquals("NotAllowedError", error.getError().getName());
        assertEquals(403, error.getResponse().getStatusCode());
    }

    @Test
    void unknownKeyIs404DecodedAsError() throws Exception {
        String missing = hash("nobody-has-this");
        keyUnknown(missing);
        ApiException e = assertThrows(ApiException.class, () -> client(TestTokens.user(JANE)).deleteUserKey(missing, JANE));
        assertEquals(404, e.getCode());
        Error error = decode(e);
        assertEquals("NotFoundError", error.getName());
        assertEquals(404, error.getResponse().getStatusCode());
    }

    @Test
    void provisionAWorkshopTwiceReadItAndDeleteIt() throws ApiException {
        ApiClient admin = apiClient(TestTokens.admin("root"));
        WorkshopsApi workshops = new WorkshopsApi(admin);
        String user = "participant1@workshop.example.com";
        String keyId = hash("ws-client");
        String row = """
                {"token":"%s","key_alias":"gen-ws-%s","user_id":"%s","spend":0.25,"max_budget":5.0,
                 "expires":"2026-12-10T00:00:00Z","metadata":{"workshop":"gen-ws"}}""".formatted(keyId, user, user);
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson(
                "{\"keys\":[],\"total_count\":0,\"current_page\":1,\"total_pages\":0}")));
        userCreated(user);
        keyGenerated(user, SECRET, keyId);
        // a workshop key is created pending and confirmed (its mark taken off) just before the answer
        litellm().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/key/update"))
                .willReturn(okJson("{}")));
        WorkshopRequest request = new WorkshopRequest().attendees(1).userPrefix("participant")
                .userDomain("workshop.example.com").models(List.of("gpt-4o")).maxBudget(5.0).duration("7d");

        WorkshopResult first = workshops.provisionWorkshop("gen-ws", request, null);
        assertEquals(1, first.getCreated());
        assertEquals(SECRET, first.getAttendees().get(0).getKeySecret());
        assertEquals(keyId, first.getAttendees().get(0).getKeyId());
        assertTrue(first.getAttendees().get(0).getKeyRef().matches("kr_[a-z2-7]{26}"),
                first.getAttendees().get(0).getKeyRef());

        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("user_id", equalTo(user)).atPriority(1)
                .willReturn(okJson("{\"keys\":[" + row + "],\"total_count\":1,\"current_page\":1,\"total_pages\":1}")));
        WorkshopResult again = workshops.provisionWorkshop("gen-ws", request, false);
        assertEquals(0, again.getCreated());
        assertEquals(1, again.getExisting());
        assertEquals(null, again.getAttendees().get(0).getKeySecret());

        litellm().stubFor(get(urlPathEqualTo("/key/list")).withQueryParam("user_id",
                com.github.tomakehurst.wiremock.client.WireMock.absent()).atPriority(1)
                .willReturn(okJson("{\"keys\":[" + row + "],\"total_count\":1,\"current_page\":1,\"total_pages\":1}")));
        WorkshopView view = workshops.getWorkshop("gen-ws");
        assertEquals(user, view.getAttendees().get(0).getUserId());
        assertEquals(0.25, view.getAttendees().get(0).getSpend());
        assertEquals("2026-12-10T00:00:00Z", view.getAttendees().get(0).getExpires());

        keyDeleted();
        workshops.deleteWorkshop("gen-ws", null);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + keyId + "\"]}")));

        ApiException refused = assertThrows(ApiException.class,
                () -> new WorkshopsApi(apiClient(TestTokens.user("bob"))).getWorkshop("gen-ws"));
        assertEquals(403, refused.getCode());
    }

    private ApiClient apiClient(String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(base.toString());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return client;
    }

    private UsersApi client(String token) {
        return new UsersApi(apiClient(token));
    }

    private static Error decode(ApiException e) throws Exception {
        return ApiClient.createDefaultObjectMapper().readValue(e.getResponseBody(), Error.class);
    }
    @Test
    void meThenGroupReadKeyCreateListUpdateRegenerateDeleteAndAdminUpdate() throws ApiException {
        String platform = "group:default/platform";
        // grp- and the first 40 hex digits of SHA-256 of the ref (see README, "Group keys")
        String team = "grp-541d073f100995a6591fd00a4478b2e5099fc307";
        String token = TestTokens.withRoles(JANE, Set.of("user", platform));
        ApiClient client = apiClient(token);

        Me me = new MeApi(client).getMe();
        assertEquals(JANE, me.getUserId());
        assertEquals(false, me.getAdmin());
        assertEquals(List.of(platform, "user"), me.getGroups());
        // no ceiling configured for these roles: every field is null
        assertEquals(null, me.getCeilings().getMaxDuration());
        assertEquals(null, me.getCeilings().getModels());

        GroupsApi jane = new GroupsApi(client);
        io.litellm.orchestrator.support.LiteLlmStubs.teamExists(team, platform, 20.0, "[\"gpt-4o\"]");
        Group group = jane.getGroup(platform);
        assertEquals(platform, group.getGroupRef());
        assertEquals(team, group.getTeamId());
        assertEquals(20.0, group.getMaxBudget());
        assertEquals(List.of("gpt-4o"), group.getModels());

        String keyId = hash("platform-client");
        keyGenerated("null", SECRET, keyId);
        GroupKey key = jane.createGroupKey(platform, new CreateUserKeyRequest().keyAlias("ci"));
        assertEquals(platform, key.getGroupRef());
        assertEquals(keyId, key.getKeyId());
        assertEquals(SECRET, key.getKeySecret());
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/generate")).withRequestBody(equalToJson(
                "{\"team_id\":\"" + team + "\",\"key_alias\":\"ci\",\"metadata\":{\"createdBy\":\"" + JANE + "\","
                        + "\"orchestrator_key_ref\":\"${json-unit.regex}kr_[a-z2-7]{26}\"}}")));

        String teamRow = io.litellm.orchestrator.support.LiteLlmStubs.teamRow(keyId, team, JANE);
        litellm().stubFor(get(urlPathEqualTo("/key/list")).willReturn(okJson("{\"keys\":[" + teamRow
                + "],\"total_count\":1,\"current_page\":1,\"total_pages\":1}")));
        GroupKeyList list = jane.getGroupKeys(platform);
        assertEquals(1, list.getKeys().size());
        assertEquals(keyId, list.getKeys().get(0).getToken());

        litellm().stubFor(get(urlPathEqualTo("/key/info")).withQueryParam("key", equalTo(keyId))
                .willReturn(okJson("{\"key\":\"" + keyId + "\",\"info\":" + teamRow + "}")));
        litellm().stubFor(post(urlPathEqualTo("/key/update")).willReturn(okJson("{\"key\":\"" + keyId + "\"}")));
        UserAPIKeyAuth updated = jane.updateGroupKey(platform, keyId, new UpdateUserKeyRequest().rpmLimit(60L));
        assertEquals(keyId, updated.getToken());

        String rotatedId = hash("platform-client-rotated");
        String rotatedSecret = "sk-RotatedGroupKey0123456789ab";
        litellm().stubFor(post(urlPathEqualTo("/key/" + keyId + "/regenerate")).willReturn(okJson(
                "{\"key\":\"" + rotatedSecret + "\",\"token\":\"" + rotatedId + "\"}")));
        GroupKey rotated = jane.regenerateGroupKey(platform, keyId, new RegenerateUserKeyRequest());
        assertEquals(platform, rotated.getGroupRef());
        assertEquals(rotatedId, rotated.getKeyId());
        assertEquals(rotatedSecret, rotated.getKeySecret());
        String rotatedRow = io.litellm.orchestrator.support.LiteLlmStubs.teamRow(rotatedId, team, JANE);
        litellm().stubFor(get(urlPathEqualTo("/key/info")).withQueryParam("key", equalTo(rotatedId))
                .willReturn(okJson("{\"key\":\"" + rotatedId + "\",\"info\":" + rotatedRow + "}")));

        keyDeleted();
        jane.deleteGroupKey(platform, rotatedId);
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/key/delete"))
                .withRequestBody(equalToJson("{\"keys\":[\"" + rotatedId + "\"]}")));

        ApiException refused = assertThrows(ApiException.class,
                () -> jane.updateGroup(platform, new UpdateGroupRequest().maxBudget(100.0)));
        assertEquals(403, refused.getCode());
        litellm().stubFor(post(urlPathEqualTo("/team/update")).willReturn(okJson("{\"team_id\":\"" + team + "\"}")));
        Group changed = new GroupsApi(apiClient(TestTokens.admin("root"))).updateGroup(platform,
                new UpdateGroupRequest().maxBudget(100.0));
        assertEquals(platform, changed.getGroupRef());
        litellm().verify(1, postRequestedFor(urlPathEqualTo("/team/update"))
                .withRequestBody(equalToJson("{\"team_id\":\"" + team + "\",\"max_budget\":100.0}")));
    }

}

package io.litellm.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.Ceilings;
import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.TeamInfo;
import io.litellm.orchestrator.client.LiteLlmDtos.UserInfo;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.security.GroupAccess.GroupCaller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The field policy without a server: one owner's limits or another's, the same rules, refusals counted. */
class KeyFieldPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Caller BOB = new Caller("bob", false);
    private static final Caller ADMIN = new Caller("root", true);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final KeyFieldPolicy policy = new KeyFieldPolicy(new OrchestratorMetrics(registry),
            new KeyCeilings(Map.of("default", new Ceilings("30d", "7d", 5.0, 100L, null, null)),
                    () -> Instant.parse("2027-01-01T00:00:00Z")));

    private static final KeyFieldPolicy.Limits USER = KeyFieldPolicy.Limits
            .of(new UserInfo("bob", 10.0, null, 0.0, null, List.of("gpt-4o", "o1")));
    private static final KeyFieldPolicy.Limits TEAM = KeyFieldPolicy.Limits
            .of(new TeamInfo("grp-1", "platform", 20.0, null, 0.0, List.of("gpt-4o"), null, null));

    private static ObjectNode row(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static UpdateUserKeyRequest change(Double budget, List<String> models, Map<String, Object> metadata,
            Boolean blocked) {
        return new UpdateUserKeyRequest(null, budget, null, models, metadata, null, null, null, blocked, null);
    }

    private static CreateUserKeyRequest create(Double budget, List<String> models, Map<String, Object> metadata) {
        return new CreateUserKeyRequest(null, models, budget, null, null, metadata, null, null);
    }

    private String refused(Executable check) {
        ApiException refused = assertThrows(ApiException.class, check);
        assertEquals(ErrorKind.NOT_ALLOWED, refused.kind());
        return refused.getMessage();
    }

    @Test
    void budgetsAndModelsWithinTheOwnersLimitsInTheOwnersWords() {
        KeyOwner user = KeyOwner.user("bob");
        KeyOwner group = KeyOwner.group(new GroupCaller(BOB, true), "platform");
        assertEquals("maxBudget may not exceed your user's budget of 10.0",
                refused(() -> policy.checkCreate(BOB, user, USER, create(11.0, null, null))));
        assertEquals("maxBudget may not exceed the team's budget of 20.0",
                refused(() -> policy.checkCreate(BOB, group, TEAM, create(21.0, null, null))));
        assertEquals("models: the team may not use model o1",
                refused(() -> policy.checkCreate(BOB, group, TEAM, create(null, List.of("o1"), null))));
        policy.checkCreate(BOB, user, USER, create(10.0, List.of("o1"), null));
        // an admin is held to nothing
        policy.checkCreate(ADMIN, group, TEAM, create(1000.0, List.of("anything"), null));
        assertEquals(3.0, registry.get("orchestrator.authorization.refusals").tag("reason", "field_policy").counter().count());
    }

    @Test
    void controlMetadataIsAnAdminsOnAnyNewKey() {
        String message = refused(() -> policy.checkCreate(BOB, KeyOwner.user("bob"), null,
                create(null, null, Map.of("tags", List.of("x"), "guardrails", List.of()))));
        assertEquals("metadata.guardrails: only an admin may set LiteLLM's control keys in metadata "
                + "(guardrails, tags)", message);
        // a group member's new team key is held to the same rule (it once was not checked at all)
        assertEquals("metadata.guardrails: only an admin may set LiteLLM's control keys in metadata (guardrails)",
                refused(() -> policy.checkCreate(BOB, KeyOwner.group(new GroupCaller(BOB, true), "platform"), TEAM,
                        create(null, null, Map.of("guardrails", List.of())))));
        assertTrue(refused(() -> policy.checkCreate(BOB, KeyOwner.group(new GroupCaller(BOB, true), "platform"),
                TEAM, create(null, null, Map.of(KeyRefs.REF, "kr_x")))).startsWith("metadata." + KeyRefs.REF));
        assertTrue(refused(() -> policy.checkKeyChange(BOB, row("{}"), change(null, null,
                Map.of(KeyRefs.REF, "kr_x"), null))).startsWith("metadata." + KeyRefs.REF));
    }

    @Test
    void aChangeMayKeepModelsButNotAddForbiddenOnesNorUnblock() {
        ObjectNode key = row("{\"models\":[\"legacy\"],\"blocked\":true}");
        // a model already on the key may stay
        policy.checkUpdate(BOB, USER, key, change(null, List.of("legacy", "o1"), null, null));
        assertEquals("models: your user may not use model claude",
                refused(() -> policy.checkUpdate(BOB, USER, key, change(null, List.of("claude"), null, null))));
        assertEquals("models: an empty list means every model; name the models instead",
                refused(() -> policy.checkUpdate(BOB, TEAM, key, change(null, List.of(), null, null))));
        assertEquals("blocked: only an admin may unblock a key",
                refused(() -> policy.checkKeyChange(BOB, key, change(null, null, null, false))));
        policy.checkKeyChange(ADMIN, key, change(null, null, null, false));
    }

    @Test
    void ownersWithoutAModelListMayUseAnyModel() {
        KeyFieldPolicy.Limits open = KeyFieldPolicy.Limits
                .of(new UserInfo("bob", null, null, 0.0, null, List.of("all-proxy-models")));
        policy.checkUpdate(BOB, open, row("{}"), change(1e6, List.of(), null, null));
    }

    @Test
    void aNonAdminsMetadataKeepsTheKeysControlsAndOurRecord() {
        ObjectNode key = row("{\"metadata\":{\"guardrails\":[\"pii\"],\"team\":\"a\",\"" + KeyRefs.REF
                + "\":\"kr_abc\"}}");
        assertEquals(row("{\"team\":\"b\",\"guardrails\":[\"pii\"],\"" + KeyRefs.REF + "\":\"kr_abc\"}"),
                policy.metadataToWrite(BOB, key, Map.of("team", "b")));
        // an admin replaces the metadata as a whole, but not our record
        assertEquals(row("{\"team\":\"b\",\"" + KeyRefs.REF + "\":\"kr_abc\"}"),
                policy.metadataToWrite(ADMIN, key, Map.of("team", "b")));
    }

    @Test
    void ceilingsGiveANewKeyItsDefaultsAndBoundChanges() {
        CreateUserKeyRequest bounded = policy.withinCeilings(BOB, CreateUserKeyRequest.EMPTY);
        assertEquals("7d", bounded.duration());
        assertTrue(refused(() -> policy.withinCeilings(BOB, create(6.0, null, null))).startsWith("maxBudget"));
        assertTrue(refused(() -> policy.checkCeilings(BOB, row("{}"),
                new UpdateUserKeyRequest(null, null, null, null, null, 101L, null, null, null, null)))
                .startsWith("tpmLimit"));
        assertEquals(CreateUserKeyRequest.EMPTY, policy.withinCeilings(ADMIN, CreateUserKeyRequest.EMPTY));
    }
}

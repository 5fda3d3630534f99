package io.litellm.orchestrator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The typed view of a LiteLLM key row, the copy and compare rules, the request bodies: plain JUnit. */
class KeyRowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void readsTheColumnsTheRulesUse() {
        KeyRow row = KeyRow.of(json("{\"token\":\"abc\",\"user_id\":\"bob\",\"team_id\":null,\"key_alias\":\"ci\","
                + "\"blocked\":true,\"models\":[\"a\",\"b\"],\"spend\":1.5,\"max_budget\":10,"
                + "\"metadata\":{\"x\":1},\"key\":\"sk-secret\",\"api_key\":\"sk-other\"}"));
        assertEquals("abc", row.token());
        assertEquals("bob", row.userId());
        assertNull(row.teamId());
        assertFalse(row.hasNoUser());
        assertEquals("ci", row.alias());
        assertEquals("ci", row.aliasText());
        assertTrue(row.blocked());
        assertEquals(List.of("a", "b"), row.models());
        assertEquals(1.5, row.spend());
        assertEquals(10.0, row.maxBudget());
        assertEquals(1, row.metadata("x").asInt());
        row.withoutSecrets();
        assertFalse(row.json().has("key"));
        assertFalse(row.json().has("api_key"));
        assertEquals("def", row.withToken("def").token());
    }

    @Test
    void absentColumnsReadAsNothing() {
        KeyRow row = KeyRow.of(json("{\"key_alias\":\"\"}"));
        assertNull(row.token());
        assertTrue(row.hasNoUser());
        assertNull(row.aliasText());
        assertTrue(row.hasAlias());
        assertFalse(row.blocked());
        assertEquals(List.of(), row.models());
        assertEquals(0.0, row.spend());
        assertNull(row.spendOrNull());
        assertNull(row.maxBudget());
        assertNull(row.expiresAt());
        assertFalse(row.hasExpiry());
        assertTrue(row.metadataCopy().isEmpty());
        assertNull(KeyRow.view(JSON.getNodeFactory().textNode("abc")).token());
        assertEquals("abc", KeyRow.listed(JSON.getNodeFactory().textNode("abc")).token());
    }

    @Test
    void expiriesAsLiteLlmPrintsThem() {
        Instant at = Instant.parse("2027-03-01T10:00:00Z");
        assertEquals(at, KeyRow.of(json("{\"expires\":\"2027-03-01T10:00:00Z\"}")).expiresAt());
        assertEquals(at, KeyRow.of(json("{\"expires\":\"2027-03-01T12:00:00+02:00\"}")).expiresAt());
        // LiteLLM stores UTC and sometimes prints it without an offset, with a space
        assertEquals(at, KeyRow.of(json("{\"expires\":\"2027-03-01 10:00:00\"}")).expiresAt());
        assertThrows(DateTimeParseException.class, () -> KeyRow.of(json("{\"expires\":\"soon\"}")).expiresAt());
    }

    @Test
    void listingsKeepTheOwnersRowsAndThoseThatDoNotSay() {
        KeyRow bob = KeyRow.of(json("{\"user_id\":\"bob\"}"));
        assertTrue(bob.listedFor(KeyRow.Owner.USER, "bob"));
        assertFalse(bob.listedFor(KeyRow.Owner.USER, "eve"));
        assertTrue(bob.listedFor(KeyRow.Owner.TEAM, "grp-1"));
        assertFalse(KeyRow.of(json("{\"team_id\":\"grp-2\"}")).listedFor(KeyRow.Owner.TEAM, "grp-1"));
    }

    @Test
    void copyCarriesTheColumnsGenerateTakesAndNamesTheOthers() {
        ObjectNode old = json("{\"token\":\"abc\",\"user_id\":\"bob\",\"key_alias\":\"ci\",\"models\":[\"a\"],"
                + "\"spend\":2,\"max_budget\":null,\"created_at\":\"x\",\"policies\":[\"p\"],\"budget_limits\":[],"
                + "\"object_permission\":{\"object_permission_id\":\"op\",\"vector_stores\":[\"v\"]},"
                + "\"metadata\":{\"keep\":1,\"drop\":2}}");
        assertEquals(List.of("policies"), KeyCopy.uncopyable(old, json("{}")));
        // a column the changes set anew is no loss
        assertEquals(List.of(), KeyCopy.uncopyable(old, json("{\"policies\":[]}")));

        ObjectNode body = KeyCopy.body(old, "bob", json("{\"models\":[\"b\"]}"), null, Set.of("drop"), 60L);
        assertEquals(json("{\"spend\":2,\"models\":[\"b\"],\"user_id\":\"bob\",\"duration\":\"60s\","
                + "\"object_permission\":{\"vector_stores\":[\"v\"]},\"metadata\":{\"keep\":1}}"), body);
        assertFalse(KeyCopy.needsLicence(body));
        assertTrue(KeyCopy.needsLicence(json("{\"model_max_budget\":{\"a\":1}}")));
        assertFalse(KeyCopy.needsLicence(json("{\"model_max_budget\":{}}")));
        // a lifetime asked with the changes wins
        assertEquals("7d", KeyCopy.body(old, null, json("{\"duration\":\"7d\"}"), "ci", Set.of(), 60L)
                .path("duration").asText());
    }

    @Test
    void lostFieldsAreThoseLiteLlmDidNotKeep() {
        ObjectNode sent = json("{\"key\":\"sk-x\",\"duration\":\"5s\",\"max_budget\":5,\"models\":[],"
                + "\"tpm_limit\":10,\"metadata\":{\"a\":1,\"ours\":2}}");
        ObjectNode stored = json("{\"max_budget\":5.0,\"models\":null,\"tpm_limit\":null,\"metadata\":{\"a\":1}}");
        assertEquals(List.of("tpm_limit"), KeyCopy.lost(sent, stored, Set.of("ours")));
        assertEquals(List.of("tpm_limit", "metadata"), KeyCopy.lost(sent, stored, Set.of()));
        assertTrue(KeyCopy.sameValue(json("{\"a\":[1,2]}"), json("{\"a\":[1.0,2],\"b\":3}")));
        assertFalse(KeyCopy.sameValue(json("{\"a\":[1,2]}"), json("{\"a\":[2,1]}")));
    }

    /** Our camelCase change records, as any record with those names. */
    record Changes(String keyAlias, Double maxBudget, java.util.Map<String, Object> metadata, Long tpmLimit) {
    }

    @Test
    void changesGoInLiteLlmsNamesAndOnlyThoseGiven() {
        assertEquals("{\"key_alias\":\"ci\",\"metadata\":{\"camelCase\":1},\"tpm_limit\":5}",
                KeyBody.fieldsOf(new Changes("ci", null, java.util.Map.of("camelCase", 1), 5L)).toString());
    }

    @Test
    void bodiesSendOnlyWhatIsSet() {
        assertEquals(json("{\"key\":\"h\",\"key_alias\":null}"), KeyBody.update("h").alias(null).json());
        KeyBody restore = KeyBody.update("h").neverExpires();
        assertTrue(restore.liftsExpiry());
        assertTrue(restore.copy().keepExpiry().sendsNothing());
        assertEquals(json("{\"key\":\"sk-c\",\"blocked\":true,\"max_budget\":0.0,\"duration\":\"9s\"}"),
                KeyBody.generate("sk-c").blocked(true).maxBudget(0.0).expiresIn(9).json());
        assertEquals(json("{\"models\":[\"a\"],\"grace_period\":\"0s\",\"blocked\":false}"),
                KeyBody.regenerateNow(json("{\"models\":[\"a\"]}"), false));
        assertEquals(json("{\"blocked\":true,\"grace_period\":\"0s\"}"),
                KeyBody.regenerateNow(json("{\"blocked\":true}"), false));
    }
}

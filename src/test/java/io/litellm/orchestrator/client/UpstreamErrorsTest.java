package io.litellm.orchestrator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.litellm.orchestrator.client.UpstreamException.Reason;

/** LiteLLM's answers recognised once, in {@code client/}: plain JUnit, no Quarkus. */
class UpstreamErrorsTest {

    @Test
    void aliasTakenIsRecognisedWhateverTheStatus() {
        String words = "Key with alias 'ci' already exists. Unique key aliases across all keys are required.";
        assertEquals(Reason.ALIAS_TAKEN, UpstreamErrors.fromAnswer(400, words).reason());
        assertEquals(Reason.ALIAS_TAKEN, UpstreamErrors.fromAnswer(500,
                "Unique constraint failed on the fields: (`key_alias`)").reason());
        // an Enterprise refusal that names a taken alias is the alias first
        UpstreamException unlicensed = UpstreamErrors.fromAnswer(500, "alias x already exists; is an enterprise feature");
        assertInstanceOf(UpstreamException.Unlicensed.class, unlicensed);
        assertEquals(Reason.ALIAS_TAKEN, unlicensed.reason());
        assertEquals(Reason.OTHER, UpstreamErrors.fromAnswer(400, "budget_duration is invalid").reason());
    }

    @Test
    void keyNotInDbIsAMissingKeyNotRefusedCredentials() {
        UpstreamException gone = UpstreamErrors.fromAnswer(401, "Authentication Error: user key does not exist in db");
        assertEquals(404, ((UpstreamException.Rejected) gone).status());
        assertEquals(Reason.KEY_GONE, gone.reason());
        assertEquals("rejected", gone.metricTag());
        UpstreamException refused = UpstreamErrors.fromAnswer(401, "Authentication Error, invalid proxy key");
        assertEquals(Reason.OTHER, refused.reason());
        assertEquals("master_key_refused", refused.metricTag());
        assertEquals(502, refused.answer().status());
    }

    @Test
    void blockOfADeletedKeyNamesItsHash() {
        Throwable other = UpstreamErrors.fromAnswer(401, "Authentication Error, Invalid proxy server token passed. "
                + "key=abc, not found in db. Create key via `/key/generate` call.");
        Throwable gone = UpstreamErrors.keyGone(other, "abc");
        assertEquals(Reason.KEY_GONE, ((UpstreamException) gone).reason());
        assertEquals(404, ((UpstreamException.Rejected) gone).status());
        // naming another hash (our own credential's) stays a refusal
        assertSame(other, UpstreamErrors.keyGone(other, "def"));
    }

    @Test
    void unknownTeamAndDuplicates() {
        assertEquals(Reason.UNKNOWN_TEAM, UpstreamErrors.fromAnswer(404, "Team not found, passed team_id=grp-1").reason());
        assertEquals(Reason.OTHER, UpstreamErrors.fromAnswer(404, "User bob not found").reason());

        Throwable team = UpstreamErrors.duplicateTeam(UpstreamErrors.fromAnswer(400, "Team id = grp-1 already exists"));
        assertTrue(UpstreamException.is(team, Reason.DUPLICATE_TEAM));
        assertFalse(UpstreamException.is(UpstreamErrors.duplicateTeam(UpstreamErrors.fromAnswer(400,
                "Team id = grp-1 ALREADY EXISTS")), Reason.DUPLICATE_TEAM));
        assertFalse(UpstreamException.is(UpstreamErrors.duplicateTeam(UpstreamErrors.fromAnswer(409,
                "Team id = grp-1 already exists")), Reason.DUPLICATE_TEAM));

        assertTrue(UpstreamException.is(UpstreamErrors.duplicateUser(UpstreamErrors.fromAnswer(400,
                "User with id=bob already exists")), Reason.DUPLICATE_USER));
        assertTrue(UpstreamException.is(UpstreamErrors.duplicateUser(UpstreamErrors.fromAnswer(409, "conflict")),
                Reason.DUPLICATE_USER));
        assertTrue(UpstreamException.is(UpstreamErrors.duplicateUser(UpstreamErrors.fromAnswer(500,
                "Unique constraint failed on the fields: (`user_id`)")), Reason.DUPLICATE_USER));
        assertFalse(UpstreamException.is(UpstreamErrors.duplicateUser(UpstreamErrors.fromAnswer(500, "db down")),
                Reason.DUPLICATE_USER));
        assertFalse(UpstreamException.is(UpstreamErrors.duplicateUser(
                new UpstreamException.Unreachable("LiteLLM is unreachable", null)), Reason.DUPLICATE_USER));
    }

    @Test
    void aWriteToAKeyThatAnswers404IsAKeyGone() {
        assertTrue(UpstreamException.is(UpstreamErrors.keyWriteGone(UpstreamErrors.fromAnswer(404, "Key x not found")),
                Reason.KEY_GONE));
        assertFalse(UpstreamException.is(UpstreamErrors.keyWriteGone(UpstreamErrors.fromAnswer(400, "bad")),
                Reason.KEY_GONE));
    }

    @Test
    void licenceMissing() {
        UpstreamException unlicensed = UpstreamErrors.fromAnswer(500,
                "Regenerating Virtual Keys is an Enterprise feature");
        assertInstanceOf(UpstreamException.Unlicensed.class, unlicensed);
        assertEquals(Reason.LICENCE_MISSING, unlicensed.reason());
        assertEquals(501, unlicensed.answer().status());
        assertEquals("none", unlicensed.auditStatus());
    }

    @Test
    void eachFailureCarriesItsTagAnswerAndAuditWords() {
        UpstreamException limited = UpstreamErrors.fromAnswer(429, "slow down");
        assertEquals(503, limited.answer().status());
        assertEquals(1L, limited.answer().retryAfterSeconds());
        assertEquals("429", limited.auditStatus());
        assertEquals("LiteLLM rejected it (429): slow down", limited.describe());

        UpstreamException failed = UpstreamErrors.fromAnswer(503, "overloaded");
        assertEquals("failed", failed.metricTag());
        assertEquals("LiteLLM failed (503): overloaded", failed.answer().message());
        assertEquals("503", failed.auditStatus());
        assertEquals("LiteLLM failed (503)", failed.describe());

        Throwable unreachable = UpstreamErrors.classify(new RuntimeException(new ConnectException("refused")));
        assertEquals("unreachable", UpstreamErrors.kind(unreachable));
        assertEquals(503, ((UpstreamException) unreachable).answer().status());
        assertNull(((UpstreamException) unreachable).answer().retryAfterSeconds());

        UpstreamException timedOut = new UpstreamException.Interrupted("late", true, null);
        assertEquals("timeout", timedOut.metricTag());
        assertEquals(504, timedOut.answer().status());
        assertEquals("interrupted", new UpstreamException.Interrupted("broke", false, null).metricTag());

        UpstreamException deadline = new RequestDeadline.DeadlineExceeded(Duration.ofMillis(5));
        assertEquals("deadline", UpstreamErrors.kind(deadline));
        assertEquals("none", deadline.auditStatus());
        assertEquals("other", UpstreamErrors.kind(new IllegalStateException()));
    }

    @Test
    void secretsNeverLeaveInAMessage() {
        UpstreamException rejected = UpstreamErrors.fromAnswer(400, UpstreamErrors.scrub("bad key sk-abcdef123456"));
        assertFalse(rejected.getMessage().contains("abcdef"));
    }
}

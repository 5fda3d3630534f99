package io.litellm.orchestrator.service;

import java.util.LinkedHashMap;
import java.util.Map;

import io.litellm.orchestrator.api.CreateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyRequest;
import io.litellm.orchestrator.security.GroupAccess.GroupCaller;

/**
 * Whose key an operation acts on: a user (personal keys) or a group's team (team keys). It knows which rows are its
 * keys, how a new key of its is filled, and whose limits its keys stay within; {@link KeyService} does the rest the
 * same way for both.
 */
public sealed interface KeyOwner {

    /** The owner as shown in answers and logs: the user id or the group ref. */
    String name();

    /** The {@code user_id} of the owner's keys; null for team keys (their {@code team_id} is copied with the row). */
    String userId();

    /** Whether {@code row} is one of the owner's keys. */
    boolean owns(KeyRow row);

    /** The owner's column and id a key listing is asked by. */
    KeyRow.Owner listedBy();

    String listedId();

    /** For messages: {@code user bob}, {@code group g}. */
    String whose();

    /** {@code /key/generate}'s request for a new key of the owner. */
    GenerateKeyRequest newKey(CreateUserKeyRequest bounded, Map<String, Object> metadata);

    /** The metadata a new key is given: the caller's, with what the owner keeps on record. */
    Map<String, Object> newKeyMetadata(Map<String, Object> asked, String creator);

    /** The changes to send for {@code row}: what the owner keeps on record stays. */
    UpdateUserKeyRequest changesToSend(KeyRow row, UpdateUserKeyRequest changes);

    static KeyOwner user(String userId) {
        return new User(userId);
    }

    static KeyOwner group(GroupCaller caller, String groupRef) {
        return new Group(groupRef, TeamService.teamIdOf(groupRef), caller.member());
    }

    /** A user: their personal keys ({@code user_id} set). */
    record User(String id) implements KeyOwner {

        @Override
        public String name() {
            return id;
        }

        @Override
        public String userId() {
            return id;
        }

        @Override
        public boolean owns(KeyRow row) {
            return id.equals(row.userId());
        }

        @Override
        public KeyRow.Owner listedBy() {
            return KeyRow.Owner.USER;
        }

        @Override
        public String listedId() {
            return id;
        }

        @Override
        public String whose() {
            return "user " + id;
        }

        @Override
        public GenerateKeyRequest newKey(CreateUserKeyRequest bounded, Map<String, Object> metadata) {
            return new GenerateKeyRequest(id, bounded.keyAlias(), bounded.models(), bounded.maxBudget(),
                    bounded.budgetDuration(), bounded.duration(), metadata, bounded.tpmLimit(), bounded.rpmLimit(),
                    null, null);
        }

        @Override
        public Map<String, Object> newKeyMetadata(Map<String, Object> asked, String creator) {
            return asked;
        }

        @Override
        public UpdateUserKeyRequest changesToSend(KeyRow row, UpdateUserKeyRequest changes) {
            return changes;
        }
    }

    /**
     * A group's team: its keys ({@code team_id} set, {@code user_id} null) outlive whoever created them; who did
     * stays in their metadata ({@link TeamService#CREATED_BY}).
     *
     * @param member whether the caller acts as a member (who may have the team created on first use)
     */
    record Group(String ref, String teamId, boolean member) implements KeyOwner {

        @Override
        public String name() {
            return ref;
        }

        @Override
        public String userId() {
            return null;
        }

        @Override
        public boolean owns(KeyRow row) {
            return teamId.equals(row.teamId()) && row.hasNoUser();
        }

        @Override
        public KeyRow.Owner listedBy() {
            return KeyRow.Owner.TEAM;
        }

        @Override
        public String listedId() {
            return teamId;
        }

        @Override
        public String whose() {
            return "group " + ref;
        }

        @Override
        public GenerateKeyRequest newKey(CreateUserKeyRequest bounded, Map<String, Object> metadata) {
            return new GenerateKeyRequest(null, bounded.keyAlias(), bounded.models(), bounded.maxBudget(),
                    bounded.budgetDuration(), bounded.duration(), metadata, bounded.tpmLimit(), bounded.rpmLimit(),
                    null, null, null, teamId);
        }

        @Override
        public Map<String, Object> newKeyMetadata(Map<String, Object> asked, String creator) {
            return withCreator(asked, creator);
        }

        @Override
        public UpdateUserKeyRequest changesToSend(KeyRow row, UpdateUserKeyRequest changes) {
            return changes.metadata() == null ? changes
                    : changes.withMetadata(withCreator(changes.metadata(),
                            row.metadata(TeamService.CREATED_BY).asText(null)));
        }

        private static Map<String, Object> withCreator(Map<String, Object> metadata, String creator) {
            Map<String, Object> merged = new LinkedHashMap<>();
            if (metadata != null) {
                merged.putAll(metadata);
            }
            merged.remove(TeamService.CREATED_BY);
            if (creator != null) {
                merged.put(TeamService.CREATED_BY, creator);
            }
            return merged;
        }
    }
}

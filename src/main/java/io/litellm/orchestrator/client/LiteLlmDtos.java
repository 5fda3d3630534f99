package io.litellm.orchestrator.client;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * LiteLLM's management API shapes (v1.80), named after its schemas. Only the fields we use are typed;
 * LiteLLM adds fields often, so unknown ones are ignored on the way in.
 */
public final class LiteLlmDtos {

    private LiteLlmDtos() {
    }

    /** {@code NewUserRequest}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewUserRequest(String userId, Double maxBudget, String budgetDuration, Boolean autoCreateKey) {
    }

    /** {@code NewUserResponse}, the part we read. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NewUserResponse(String userId, Double maxBudget, String budgetDuration, Double spend,
            String createdAt) {
    }

    /** {@code UserInfoResponse}: {@code user_info} is null when LiteLLM does not know the user. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserInfoResponse(String userId, UserInfo userInfo) {
    }

    /** A {@code LiteLLM_UserTable} row, the part we read. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserInfo(String userId, Double maxBudget, String budgetDuration, Double spend, String createdAt,
            List<String> models) {
    }

    /** {@code UpdateUserRequest}, the fields we send. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UpdateUserRequest(String userId, Double maxBudget, String budgetDuration, Double spend) {
    }

    /** {@code GenerateKeyRequest}, the fields we send. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GenerateKeyRequest(String userId, String keyAlias, List<String> models, Double maxBudget,
            String budgetDuration, String duration, Map<String, Object> metadata, Long tpmLimit, Long rpmLimit,
            Integer maxParallelRequests, Boolean blocked, Double spend, String teamId) {

        /** A new key: no spend carried over, no team. */
        public GenerateKeyRequest(String userId, String keyAlias, List<String> models, Double maxBudget,
                String budgetDuration, String duration, Map<String, Object> metadata, Long tpmLimit, Long rpmLimit,
                Integer maxParallelRequests, Boolean blocked) {
            this(userId, keyAlias, models, maxBudget, budgetDuration, duration, metadata, tpmLimit, rpmLimit,
                    maxParallelRequests, blocked, null, null);
        }
    }

    /** {@code GenerateKeyResponse}: {@code key} is the secret, {@code token} its hash. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GenerateKeyResponse(String key, String token, String tokenId, String keyAlias, String userId) {

        /** The hash that identifies the key; LiteLLM names it {@code token}, older releases {@code token_id}. */
        public String keyHash() {
            return token != null ? token : tokenId;
        }

        @Override
        public String toString() {
            return "GenerateKeyResponse[token=" + keyHash() + ", key=***]";
        }
    }

    /** Answer of {@code /key/info}: {@code info} is the key row. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KeyInfoResponse(String key, ObjectNode info) {
    }

    /** {@code KeyListResponseObject}; with {@code return_full_object=true} the keys are rows. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KeyListResponse(List<JsonNode> keys, Integer totalCount, Integer currentPage, Integer totalPages) {
    }

    /** {@code KeyRequest} of {@code /key/delete}. */
    public record KeyDeleteRequest(List<String> keys) {
    }

    /** {@code DeleteUserRequest} of {@code /user/delete}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserDeleteRequest(List<String> userIds) {
    }

    /** {@code NewTeamRequest}, the fields we send. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewTeamRequest(String teamId, String teamAlias, Double maxBudget, String budgetDuration,
            List<String> models, Map<String, Object> metadata) {
    }

    /** {@code UpdateTeamRequest}, the fields we send (LiteLLM sets every field it receives). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UpdateTeamRequest(String teamId, Double maxBudget, String budgetDuration, List<String> models) {
    }

    /** {@code TeamInfoResponseObject}: {@code team_info} is the team row; unknown teams are a 404. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TeamInfoResponse(String teamId, TeamInfo teamInfo) {
    }

    /** A {@code LiteLLM_TeamTable} row, the part we read. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TeamInfo(String teamId, String teamAlias, Double maxBudget, String budgetDuration, Double spend,
            List<String> models, Boolean blocked, String createdAt) {
    }
}

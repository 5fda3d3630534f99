package floor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** The three LiteLLM calls the benchmark routes make, nothing around them (no guard, no deadline, no filter). */
@RegisterRestClient(configKey = "litellm")
public interface LiteLlm {

    /** Only the two columns the answer needs: Jackson skips the rest (the user's key rows) without building nodes. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record UserRow(@JsonProperty("max_budget") Double maxBudget, Double spend) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UserInfo(@JsonProperty("user_info") UserRow userInfo) {
    }

    record User(String userId, Double maxBudget, Double spend) {
    }

    @GET
    @Path("/user/info")
    Uni<UserInfo> userInfo(@QueryParam("user_id") String userId, @HeaderParam("Authorization") String auth);

    @GET
    @Path("/key/list")
    Uni<JsonNode> listKeys(@QueryParam("user_id") String userId, @QueryParam("page") int page,
            @QueryParam("size") int size, @QueryParam("return_full_object") boolean full,
            @HeaderParam("Authorization") String auth);

    @POST
    @Path("/key/generate")
    Uni<JsonNode> generate(ObjectNode body, @HeaderParam("Authorization") String auth);
}

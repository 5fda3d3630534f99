package floor;

import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.mutiny.Uni;

/**
 * The three benchmark routes with nothing but the REST server, the REST client and Jackson: no token check, fault
 * tolerance, validation, metrics, audit or ownership rule. What this allocates per request is the floor of the stack.
 */
@Path("/api/litellm-orchestrator/users/{userId}")
public class FloorResource {
    @RestClient
    LiteLlm litellm;

    @ConfigProperty(name = "litellm.master-key")
    String masterKey;

    @GET
    public Uni<LiteLlm.User> user(@PathParam("userId") String userId) {
        return litellm.userInfo(userId, "Bearer " + masterKey)
                .map(info -> new LiteLlm.User(userId, info.userInfo().maxBudget(), info.userInfo().spend()));
    }

    @GET
    @Path("/keys")
    public Uni<Map<String, Object>> keys(@PathParam("userId") String userId) {
        return litellm.listKeys(userId, 1, 100, true, "Bearer " + masterKey)
                .map(list -> Map.of("keys", list.path("keys")));
    }

    @POST
    @Path("/keys")
    public Uni<Response> create(@PathParam("userId") String userId) {
        return litellm.generate(JsonNodeFactory.instance.objectNode().put("user_id", userId), "Bearer " + masterKey)
                .map(key -> Response.status(201).entity(Map.of("userId", userId, "keyId", key.path("token").asText(),
                        "keySecret", key.path("key").asText())).build());
    }
}

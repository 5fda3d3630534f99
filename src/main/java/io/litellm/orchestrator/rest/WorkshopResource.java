package io.litellm.orchestrator.rest;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.litellm.orchestrator.api.WorkshopAttendee;
import io.litellm.orchestrator.api.WorkshopRequest;
import io.litellm.orchestrator.api.WorkshopResult;
import io.litellm.orchestrator.api.WorkshopView;
import io.litellm.orchestrator.client.RequestDeadline;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.observability.AuditLog;
import io.litellm.orchestrator.security.AccessControl;
import io.litellm.orchestrator.security.Caller;
import io.litellm.orchestrator.service.WorkshopService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * Workshops (admin only): provision, read and delete N attendees with one key each. The admin check comes before
 * anything reaches LiteLLM; each call writes one audit line with counts, never a secret.
 */
@Path("/workshops/{workshopId}")
@Authenticated
@Tag(name = "workshops", description = "Workshop provisioning (admin only)")
@SecurityRequirement(name = "bearerAuth")
@APIResponse(responseCode = "400", ref = "BadRequest")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "403", ref = "Forbidden")
@APIResponse(responseCode = "500", ref = "InternalError")
@APIResponse(responseCode = "502", ref = "BadGateway")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "504", ref = "GatewayTimeout")
public class WorkshopResource {

    static final String TEXT_CSV = "text/csv";
    private static final String WORKSHOP_ID_DOC = "The workshop id: 1 to 64 letters, digits, '.', '_' or '-'";

    private final AccessControl access;
    private final WorkshopService workshops;
    private final AuditLog audit;

    private final RequestDeadline deadline;
    private final Duration budget;

    public WorkshopResource(AccessControl access, WorkshopService workshops, AuditLog audit, RequestDeadline deadline,
            OrchestratorConfig config, LiteLlmConfig litellm) {
        this.access = access;
        this.workshops = workshops;
        this.audit = audit;
        this.deadline = deadline;
        // a workshop call stops starting attendees at its own deadline; calls in flight then may still take one timeout,
        // and confirming the keys it created (WorkshopService#confirm) another
        this.budget = config.workshops().deadline().plusMillis(2L * litellm.resilience().timeoutMs());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({ MediaType.APPLICATION_JSON, TEXT_CSV })
    @Operation(operationId = "provisionWorkshop", summary = "Create what is missing of a workshop: one user and one key per attendee",
            description = "Idempotent: the same call again creates nothing and shows no secret; more attendees creates "
                    + "only the new ones; fewer is a 409 unless prune=true. A LiteLLM failure midway still answers 200 "
                    + "with what was created (with those secrets) and what failed (failed > 0): rerun to finish. "
                    + "Accept: text/csv answers userId,keyId,keySecret rows.")
    @APIResponse(responseCode = "200", description = "What this call created (secrets shown only now), found, removed and could not do",
            content = { @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WorkshopResult.class)),
                    @Content(mediaType = TEXT_CSV, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                            example = "userId,keyId,keySecret\nparticipant1@workshop.example.com,88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b,sk-...\n")) })
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Uni<Response> provisionWorkshop(
            @Parameter(description = WORKSHOP_ID_DOC, example = "llm-intro-2026-12") @PathParam("workshopId") @Pattern(regexp = WorkshopService.WORKSHOP_ID, message = WorkshopService.WORKSHOP_ID_MESSAGE) String workshopId,
            @Parameter(description = "Delete the keys of attendees beyond `attendees`") @QueryParam("prune") @DefaultValue("false") boolean prune,
            @NotNull(message = "a JSON body with attendees, userPrefix and userDomain is required") @Valid WorkshopRequest request,
            HttpHeaders headers) {
        deadline.extend(budget);
        Caller caller = access.caller();
        boolean csv = wantsCsv(headers);
        return Uni.createFrom().deferred(() -> workshops.provision(access.requireAdmin(), workshopId, request, prune))
                .onItemOrFailure().invoke((result, failure) -> audit.workshop("provisionWorkshop", caller, workshopId,
                        result == null ? "requested=" + request.attendees() + " prune=" + prune
                                : "requested=%d prune=%s created=%d existing=%d failed=%d removed=%d".formatted(
                                        request.attendees(), prune, result.created(), result.existing(),
                                        result.failed(), result.removed()),
                        failure))
                .map(result -> {
                    Response.ResponseBuilder answer = csv
                            ? Response.ok(csv(result), TEXT_CSV + ";charset=UTF-8")
                            : Response.ok(result, MediaType.APPLICATION_JSON);
                    // the answer may hold key secrets: no cache may keep it
                    return answer.header(HttpHeaders.CACHE_CONTROL, "no-store")
                            .header("X-Workshop-Created", result.created())
                            .header("X-Workshop-Existing", result.existing())
                            .header("X-Workshop-Failed", result.failed()).build();
                });
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getWorkshop", summary = "A workshop's attendees, key ids, spend and expiry (no secrets)")
    @APIResponse(responseCode = "200", description = "The workshop",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WorkshopView.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<WorkshopView> getWorkshop(
            @Parameter(description = WORKSHOP_ID_DOC, example = "llm-intro-2026-12") @PathParam("workshopId") @Pattern(regexp = WorkshopService.WORKSHOP_ID, message = WorkshopService.WORKSHOP_ID_MESSAGE) String workshopId) {
        deadline.extend(budget);
        Caller caller = access.caller();
        return Uni.createFrom().deferred(() -> {
            access.requireAdmin();
            return workshops.get(workshopId);
        }).onItemOrFailure().invoke((view, failure) -> audit.workshop("getWorkshop", caller, workshopId,
                view == null ? "keys=-" : "keys=" + view.attendees().size(), failure));
    }

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "deleteWorkshop", summary = "Delete every key of a workshop (and its users with users=true)")
    @APIResponse(responseCode = "204", description = "Workshop deleted")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<Response> deleteWorkshop(
            @Parameter(description = WORKSHOP_ID_DOC, example = "llm-intro-2026-12") @PathParam("workshopId") @Pattern(regexp = WorkshopService.WORKSHOP_ID, message = WorkshopService.WORKSHOP_ID_MESSAGE) String workshopId,
            @Parameter(description = "Delete the attendees' LiteLLM users too") @QueryParam("users") @DefaultValue("false") boolean users) {
        deadline.extend(budget);
        Caller caller = access.caller();
        return Uni.createFrom().deferred(() -> workshops.delete(access.requireAdmin(), workshopId, users))
                .onItemOrFailure().invoke((deleted, failure) -> audit.workshop("deleteWorkshop", caller, workshopId,
                        (deleted == null ? "keys=-" : "keys=" + deleted) + " users=" + users, failure))
                .map(deleted -> Response.noContent().build());
    }

    private static boolean wantsCsv(HttpHeaders headers) {
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()) {
                return false;
            }
            if ("text".equals(type.getType()) && "csv".equals(type.getSubtype())) {
                return true;
            }
        }
        return false;
    }

    /** {@code userId,keyId,keySecret}, RFC 4180; an attendee that failed has empty key fields. */
    static String csv(WorkshopResult result) {
        StringBuilder out = new StringBuilder("userId,keyId,keySecret\r\n");
        for (WorkshopAttendee attendee : result.attendees()) {
            out.append(cell(attendee.userId())).append(',').append(cell(attendee.keyId())).append(',')
                    .append(cell(attendee.keySecret())).append("\r\n");
        }
        return out.toString();
    }

    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}

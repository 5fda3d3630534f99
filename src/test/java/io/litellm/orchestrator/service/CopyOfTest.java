package io.litellm.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;

/**
 * {@link CopyRotation#copyOf}: the {@code /key/generate} body for a successor, from a row shaped like the newest
 * line's {@code /key/info} (every column of LiteLLM_VerificationToken in schema.prisma, plus what info attaches).
 */
class CopyOfTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every column of the newest line's LiteLLM_VerificationToken, defaults where a key has set nothing. */
    private static ObjectNode newestRow() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"key_name":"sk-...abcd","key_alias":"laptop","soft_budget_cooldown":false,"spend":0.75,
                 "expires":null,"models":["gpt-4o"],"aliases":{},"config":{},"router_settings":{},"user_id":"bob",
                 "team_id":null,"agent_id":null,"project_id":null,"permissions":{},"max_parallel_requests":null,
                 "metadata":{"team":"core"},"blocked":null,"tpm_limit":null,"rpm_limit":10,"max_budget":5.0,
                 "budget_duration":"30d","budget_reset_at":"2026-12-01T00:00:00Z","allowed_cache_controls":[],
                 "allowed_routes":[],"policies":[],"access_group_ids":[],"model_spend":{},"model_max_budget":{},
                 "budget_id":null,"organization_id":null,"object_permission_id":null,
                 "created_at":"2026-11-01T00:00:00Z","created_by":"root","updated_at":"2026-11-20T09:00:00Z",
                 "updated_by":"root","last_active":"2026-11-30T12:00:00Z","rotation_count":0,"auto_rotate":false,
                 "rotation_interval":null,"last_rotation_at":null,"key_rotation_at":null,"budget_limits":null,
                 "litellm_budget_table":null,"litellm_organization_table":null,"litellm_project_table":null,
                 "object_permission":null}""");
    }

    @Test
    void aNewestLineRowCopiesOnlyWhatGenerateTakes() throws Exception {
        ObjectNode copy = CopyRotation.copyOf("bob", newestRow(), JSON.createObjectNode(), "laptop");
        assertEquals(JSON.readTree("""
                {"key_alias":"laptop","spend":0.75,"models":["gpt-4o"],"aliases":{},"config":{},"router_settings":{},
                 "permissions":{},"metadata":{"team":"core"},"rpm_limit":10,"max_budget":5.0,"budget_duration":"30d",
                 "allowed_cache_controls":[],"allowed_routes":[],"access_group_ids":[],"model_max_budget":{},
                 "auto_rotate":false,"user_id":"bob"}"""), copy);
        // none of the bookkeeping columns that are no request fields (last_active, rotation_count, …)
        assertTrue(!copy.has("last_active") && !copy.has("soft_budget_cooldown") && !copy.has("policies"));
    }

    @Test
    void aRestrictionGenerateCannotCarryAbortsInsteadOfBeingDropped() throws Exception {
        ObjectNode row = newestRow();
        row.putArray("policies").add("no-pii");
        row.putObject("budget_limits").put("gpt-4o", 1.0);
        ApiException refused = assertThrows(ApiException.class,
                () -> CopyRotation.copyOf("bob", row, JSON.createObjectNode(), "laptop"));
        assertEquals(ErrorKind.NOT_IMPLEMENTED, refused.kind());
        assertTrue(refused.getMessage().contains("policies") && refused.getMessage().contains("budget_limits"),
                refused.getMessage());
    }

    @Test
    void aColumnOfALaterReleaseAbortsWhenSet() throws Exception {
        ObjectNode row = newestRow();
        row.put("tpd_cap", 100);
        ApiException refused = assertThrows(ApiException.class,
                () -> CopyRotation.copyOf("bob", row, JSON.createObjectNode(), null));
        assertTrue(refused.getMessage().contains("tpd_cap"), refused.getMessage());
        row.putNull("tpd_cap");
        CopyRotation.copyOf("bob", row, JSON.createObjectNode(), null);
    }

    @Test
    void modelMaxBudgetNeedsALicenceToBeCopied() throws Exception {
        ObjectNode row = newestRow();
        assertTrue(!CopyRotation.needsLicenceToCopy(
                CopyRotation.copyOf("bob", row, JSON.createObjectNode(), null)));
        row.putObject("model_max_budget").putObject("gpt-4o").put("budget_limit", 1.0);
        assertTrue(CopyRotation.needsLicenceToCopy(
                CopyRotation.copyOf("bob", row, JSON.createObjectNode(), null)));
    }
}

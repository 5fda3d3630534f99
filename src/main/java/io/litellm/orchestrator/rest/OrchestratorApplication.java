package io.litellm.orchestrator.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * Every resource lives under {@link #BASE}, where the Backstage plugin serves its API. A Java constant rather than
 * {@code quarkus.rest.path}: that property is fixed at build time and absent from a native executable's run-time
 * configuration, so the code that needs the base at run time ({@link ContractRoute}) could not read it there.
 */
@ApplicationPath(OrchestratorApplication.BASE)
public class OrchestratorApplication extends Application {

    /** The base path of every resource (the server URL of the contract). */
    public static final String BASE = "/api/litellm-orchestrator";
}

package io.litellm.orchestrator.events;

import java.io.IOException;
import java.util.Optional;

import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.litellm.orchestrator.api.UpdateUserRequest;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;

/**
 * Remembers, for the request, what a change asked that its answer cannot tell: whether a key change blocked or
 * unblocked the key (the answered row shows the key's state, not a change), and whether a user change touched the
 * budget (rather than only resetting spend). {@link LifecycleEvents} reads it when the change succeeded. Only these
 * flags are kept, on the request's own Vert.x context.
 */
@Provider
public class RequestedChange implements ReaderInterceptor {

    private static final String BLOCKED = "events.blocked-change";
    private static final String BUDGET = "events.budget-change";

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object entity = context.proceed();
        if (!VertxContext.isOnDuplicatedContext()) {
            return entity;
        }
        if (entity instanceof UpdateUserKeyRequest request && request.blocked() != null) {
            ContextLocals.put(BLOCKED, request.blocked());
        } else if (entity instanceof UpdateUserRequest request
                && (request.maxBudget() != null || request.budgetDuration() != null)) {
            ContextLocals.put(BUDGET, Boolean.TRUE);
        }
        return entity;
    }

    /** The block (true) or unblock (false) the current request asked for, if any. */
    static Optional<Boolean> blocked() {
        return VertxContext.isOnDuplicatedContext() ? ContextLocals.<Boolean> get(BLOCKED) : Optional.empty();
    }

    /** Whether the current request set a budget or its period (not only spend). */
    static boolean budget() {
        return VertxContext.isOnDuplicatedContext() && ContextLocals.<Boolean> get(BUDGET).orElse(false);
    }
}

package io.litellm.orchestrator.events;

import java.io.IOException;
import java.util.Optional;

import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import io.litellm.orchestrator.api.UpdateUserKeyRequest;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;

/**
 * Remembers, for the request, whether a key change asked to block or unblock the key: the audit sees only the row
 * answered, in which {@code blocked} is the key's state, not a change. {@link LifecycleEvents} reads it when the change
 * succeeded. Only the flag is kept, on the request's own Vert.x context.
 */
@Provider
public class BlockedChange implements ReaderInterceptor {

    private static final String KEY = "events.blocked-change";

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object entity = context.proceed();
        if (entity instanceof UpdateUserKeyRequest request && request.blocked() != null
                && VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(KEY, request.blocked());
        }
        return entity;
    }

    /** The block (true) or unblock (false) the current request asked for, if any. */
    static Optional<Boolean> requested() {
        return VertxContext.isOnDuplicatedContext() ? ContextLocals.<Boolean> get(KEY) : Optional.empty();
    }
}

package io.litellm.orchestrator.rest;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.litellm.orchestrator.client.RequestDeadline;
import io.smallrye.mutiny.Uni;

/**
 * Starts each request's deadline when it arrives (before authentication, which may itself call the identity
 * provider) and bounds the answer of every {@link WithinDeadline} route by it: past the deadline the route's work is
 * cancelled (an in-flight LiteLLM call with it) and the caller gets 504.
 */
@WithinDeadline
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
public class DeadlineInterceptor {

    private final RequestDeadline deadline;

    public DeadlineInterceptor(RequestDeadline deadline) {
        this.deadline = deadline;
    }

    @AroundInvoke
    Object bound(InvocationContext invocation) throws Exception {
        Object result = invocation.proceed();
        return result instanceof Uni<?> uni ? deadline.bound(uni) : result;
    }

    /** The clock starts at arrival; a pre-matching filter runs before routing and authentication. */
    public static class Start {
        private final RequestDeadline deadline;

        public Start(RequestDeadline deadline) {
            this.deadline = deadline;
        }

        @ServerRequestFilter(preMatching = true)
        public void arrived() {
            deadline.begin();
        }
    }
}

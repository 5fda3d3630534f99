package io.litellm.orchestrator.client;

import java.time.Duration;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.litellm.orchestrator.config.LiteLlmConfig;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;

/**
 * One deadline per request ({@code litellm.resilience.request-deadline}): set when the request arrives, kept in
 * the request's Vert.x context, and honoured in two places: every LiteLLM attempt (a retry or a later call of a
 * multi-call route is not started once it has passed, and a running one is cut at it) and the route's answer as a
 * whole (rest/DeadlineBound), so nothing a route does can keep a caller waiting past it.
 */
@ApplicationScoped
public class RequestDeadline {

    private static final String KEY = "litellm-orchestrator.deadline";

    private final Duration deadline;

    public RequestDeadline(LiteLlmConfig config) {
        this.deadline = config.resilience().requestDeadline();
    }

    /** Starts the clock of the current request (idempotent: the first call wins). */
    public void begin() {
        if (VertxContext.isOnDuplicatedContext() && ContextLocals.get(KEY).isEmpty()) {
            ContextLocals.put(KEY, System.nanoTime() + deadline.toNanos());
        }
    }

    /**
     * Gives the current request {@code budget} from now instead of the configured deadline: for the few routes that
     * bound themselves by a longer budget of their own (a workshop call runs up to {@code orchestrator.workshops.deadline}
     * and stops starting work at it, so its LiteLLM calls must not be cut at the per-request deadline).
     */
    public void extend(Duration budget) {
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(KEY, System.nanoTime() + budget.toNanos());
        }
    }

    /** The configured deadline, for messages and docs. */
    public Duration deadline() {
        return deadline;
    }

    /**
     * {@code work}, failing with {@link DeadlineExceeded} at the current request's deadline (or at once, without
     * subscribing to {@code work}, if it has passed). Outside a request, {@code work} unchanged.
     */
    public <T> Uni<T> bound(Uni<T> work) {
        return Uni.createFrom().deferred(() -> {
            OptionalLong remaining = remainingNanos();
            if (remaining.isEmpty()) {
                return work;
            }
            if (remaining.getAsLong() <= 0) {
                return Uni.createFrom().failure(new DeadlineExceeded(deadline));
            }
            return work.ifNoItem().after(Duration.ofNanos(remaining.getAsLong()))
                    .failWith(() -> new DeadlineExceeded(deadline));
        });
    }

    /** Time left before the current request's deadline; empty outside a request. */
    public java.util.Optional<Duration> remaining() {
        OptionalLong nanos = remainingNanos();
        return nanos.isPresent() ? java.util.Optional.of(Duration.ofNanos(nanos.getAsLong())) : java.util.Optional.empty();
    }

    private static OptionalLong remainingNanos() {
        if (!VertxContext.isOnDuplicatedContext()) {
            return OptionalLong.empty();
        }
        return ContextLocals.<Long> get(KEY).map(at -> OptionalLong.of(at - System.nanoTime()))
                .orElse(OptionalLong.empty());
    }

    /** The request's deadline passed before LiteLLM answered: 504. Never retried, never a new attempt. */
    public static final class DeadlineExceeded extends UpstreamException {
        public DeadlineExceeded(Duration deadline) {
            super("LiteLLM did not answer within the request's deadline of " + deadline.toMillis() + " ms", null);
        }

        @Override
        public String metricTag() {
            return "deadline";
        }

        @Override
        public Answer answer() {
            return new Answer(504, getMessage(), null);
        }

        @Override
        public String describe() {
            return "unexpected failure (" + getClass().getSimpleName() + ")";
        }
    }
}

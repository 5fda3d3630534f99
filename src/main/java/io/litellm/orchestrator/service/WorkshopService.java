package io.litellm.orchestrator.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.api.ErrorKind;
import io.litellm.orchestrator.api.WorkshopAttendee;
import io.litellm.orchestrator.api.WorkshopMember;
import io.litellm.orchestrator.api.WorkshopRequest;
import io.litellm.orchestrator.api.WorkshopResult;
import io.litellm.orchestrator.api.WorkshopView;
import io.litellm.orchestrator.client.KeyBody;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.LiteLlmDtos.GenerateKeyRequest;
import io.litellm.orchestrator.client.LiteLlmDtos.NewUserRequest;
import io.litellm.orchestrator.client.UpstreamException;
import io.litellm.orchestrator.client.UpstreamException.Reason;
import io.litellm.orchestrator.config.LiteLlmConfig;
import io.litellm.orchestrator.config.OrchestratorConfig;
import io.litellm.orchestrator.security.Caller;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Workshops: N attendees, one LiteLLM user and one key each, provisioned idempotently.
 *
 * <p>A workshop key has the alias {@code <workshopId>-<userId>} (LiteLLM keeps aliases unique) and
 * {@code metadata.workshop = <workshopId>}. Provisioning looks each attendee's keys up by user
 * ({@code /key/list?user_id=}, one call), so a rerun costs one call per attendee and creates nothing twice.
 * Reading, deleting and pruning a workshop, which know no attendee list, read {@code /key/list} page by page and keep
 * the rows whose metadata names the workshop: LiteLLM (v1.80) filters aliases only by exact match and metadata not
 * at all.
 *
 * <p>A key is created <em>pending</em> ({@code metadata.}{@value #PENDING} says until when its call may still be
 * running), and the call confirms its keys (takes the mark off) only once every attendee is done, just before it
 * answers with their secrets. A pending key met past that time was created by a call that died before answering, so
 * nobody has its secret: it is deleted and created anew. A confirmation that fails deletes the key and lists the
 * attendee as failed, so no secret is handed out for a key a later call would replace.
 *
 * <p>Every upstream call of one workshop call goes through one {@code merge(maxConcurrency)}, so at most that many are
 * in flight. Nothing an attendee's failure does stops the others: each attendee ends as created (with its secret),
 * existing, or failed (with the reason), and the answer lists all of them.
 */
@ApplicationScoped
public class WorkshopService {

    private static final Logger LOG = Logger.getLogger(WorkshopService.class);
    /** Letters, digits, '.', '_' and '-': safe in a key alias, a log line and a URL. */
    public static final String WORKSHOP_ID = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";
    public static final String WORKSHOP_ID_MESSAGE = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    /** Keys per {@code /key/delete} and users per {@code /user/delete} call. */
    static final int DELETE_BATCH = 100;
    private static final Pattern ATTENDEE_NUMBER = Pattern.compile("(\\d+)@");
    /** Metadata field of a key whose provisioning call has not answered yet. */
    public static final String PENDING = "orchestrator_workshop_pending";
    /** Metadata field naming the workshop a key belongs to. */
    static final String WORKSHOP = "workshop";

    private final LiteLlmClient litellm;
    private final KeyService keys;
    private final OrchestratorConfig config;
    private final LiteLlmConfig litellmConfig;
    private final KnownUsers known;

    public WorkshopService(LiteLlmClient litellm, KeyService keys, OrchestratorConfig config,
            LiteLlmConfig litellmConfig, KnownUsers known) {
        this.litellm = litellm;
        this.keys = keys;
        this.config = config;
        this.litellmConfig = litellmConfig;
        this.known = known;
    }

    public static String alias(String workshopId, String userId) {
        return workshopId + "-" + userId;
    }

    // --- provisioning --------------------------------------------------------------------------------------

    /** Creates what is missing; with {@code prune}, deletes keys of attendees beyond {@code attendees}. */
    public Uni<WorkshopResult> provision(Caller caller, String workshopId, WorkshopRequest request, boolean prune) {
        int max = config.workshops().maxAttendees();
        if (request.attendees() > max) {
            throw ApiException.input("attendees: must be at most " + max);
        }
        Instant deadline = Instant.now().plus(config.workshops().deadline());
        // how long this call may still be at work after its deadline: the calls in flight, then the confirmations
        Instant pendingUntil = deadline.plus(pendingMargin());
        Progress progress = new Progress(workshopId, request.attendees());
        LOG.infof("workshop %s: provisioning %d attendees (prune=%s, %d calls in flight at most)", workshopId,
                request.attendees(), prune, concurrency());
        Uni<List<WorkshopAttendee>> surplus = prune ? prune(caller, workshopId, request) : refuseSurplus(workshopId, request);
        return surplus.flatMap(pruned -> Multi.createFrom().range(1, request.attendees() + 1)
                .onItem().transformToUni(index -> attendee(caller, workshopId, request, index, deadline, pendingUntil)
                        .invoke(progress::done))
                .merge(concurrency())
                .collect().asList()
                .flatMap(attendees -> confirm(caller, workshopId, attendees))
                .map(attendees -> result(workshopId, request, attendees, pruned)))
                .invoke(result -> LOG.infof("workshop %s: done, %d created, %d existing, %d failed, %d removed",
                        workshopId, result.created(), result.existing(), result.failed(), result.removed()));
    }

    private WorkshopResult result(String workshopId, WorkshopRequest request, List<WorkshopAttendee> attendees,
            List<WorkshopAttendee> pruned) {
        List<WorkshopAttendee> all = new ArrayList<>(attendees);
        all.sort(Comparator.comparingInt(a -> attendeeNumber(a.userId())));
        int created = 0;
        int existing = 0;
        int failed = 0;
        for (WorkshopAttendee attendee : all) {
            if (attendee.error() != null) {
                failed++;
            } else if (attendee.keySecret() != null) {
                created++;
            } else {
                existing++;
            }
        }
        int removed = 0;
        for (WorkshopAttendee gone : pruned) {
            if (gone.error() != null) {
                failed++;
                all.add(gone);
            } else {
                removed++;
            }
        }
        return new WorkshopResult(workshopId, created, existing, failed, removed, all);
    }

    /** Fewer attendees than before is a 409 unless pruning: attendee n+1 must have no key of this workshop. */
    private Uni<List<WorkshopAttendee>> refuseSurplus(String workshopId, WorkshopRequest request) {
        String next = request.userId(request.attendees() + 1);
        return keys.listKeys(next).map(list -> {
            if (workshopKey(list.keys(), alias(workshopId, next)).isPresent()) {
                throw ApiException.conflict("Workshop " + workshopId + " has more than " + request.attendees()
                        + " attendees; send ?prune=true to delete the keys of the others");
            }
            return List.of();
        });
    }

    /** Deletes every key of the workshop that is not one of the requested attendees'. */
    private Uni<List<WorkshopAttendee>> prune(Caller caller, String workshopId, WorkshopRequest request) {
        Set<String> wanted = new HashSet<>();
        for (int i = 1; i <= request.attendees(); i++) {
            wanted.add(alias(workshopId, request.userId(i)));
        }
        return scan(workshopId).flatMap(rows -> {
            List<ObjectNode> surplus = rows.stream()
                    .filter(row -> !wanted.contains(String.valueOf(KeyRow.of(row).alias()))).toList();
            if (surplus.isEmpty()) {
                return Uni.createFrom().item(List.<WorkshopAttendee>of());
            }
            LOG.infof("workshop %s: pruning %d surplus keys", workshopId, surplus.size());
            return inBatches(surplus, batch -> litellm.deleteKeys(batch.stream().map(WorkshopService::token).toList(),
                    caller.principal())
                    .map(done -> batch.stream().map(row -> new WorkshopAttendee(userOf(row), token(row), null, null)))
                    .onFailure().recoverWithItem(failure -> batch.stream().map(row -> new WorkshopAttendee(userOf(row),
                            token(row), null, "could not be removed: " + describe(failure)))))
                    .map(streams -> streams.stream().flatMap(Function.identity()).toList());
        });
    }

    /**
     * One attendee: its keys by user (one call); if none is this workshop's, its user (an existing user is fine)
     * and its key. Never fails: a failure becomes the attendee's {@code error}.
     */
    private Uni<WorkshopAttendee> attendee(Caller caller, String workshopId, WorkshopRequest request, int index,
            Instant deadline, Instant pendingUntil) {
        String userId = request.userId(index);
        return Uni.createFrom().deferred(() -> {
            if (Instant.now().isAfter(deadline)) {
                return Uni.createFrom().item(new WorkshopAttendee(userId, null, null,
                        "not started: the deadline of " + config.workshops().deadline().toSeconds()
                                + " s passed; rerun to finish"));
            }
            String alias = alias(workshopId, userId);
            return keys.listKeys(userId).flatMap(list -> {
                Optional<ObjectNode> found = workshopKey(list.keys(), alias);
                if (found.isPresent() && !isPending(found.get())) {
                    return Uni.createFrom().item(new WorkshopAttendee(userId, token(found.get()), null, null));
                }
                if (found.isPresent()) {
                    Instant until = pendingUntil(found.get());
                    if (until != null && until.isAfter(Instant.now())) {
                        return Uni.createFrom().item(new WorkshopAttendee(userId, null, null, "its key is being "
                                + "created by another call of this workshop that is still running; rerun after it"));
                    }
                    // left by a call that died before answering: nobody has its secret
                    LOG.infof("workshop %s: replacing the key of %s whose secret was never delivered", workshopId,
                            userId);
                    return litellm.deleteKey(token(found.get()), caller.principal())
                            .flatMap(gone -> generate(caller, workshopId, request, userId, alias, pendingUntil));
                }
                // a user with keys exists; one without may or may not: creating it tells
                Uni<Void> user = list.keys().isEmpty() ? createUser(caller, userId) : Uni.createFrom().voidItem();
                return user.flatMap(ready -> generate(caller, workshopId, request, userId, alias, pendingUntil));
            });
        }).onFailure().recoverWithItem(failure -> new WorkshopAttendee(userId, null, null, describe(failure)));
    }

    private Uni<Void> createUser(Caller caller, String userId) {
        NewUserRequest user = new NewUserRequest(userId, config.userDefaults().maxBudget().orElse(null),
                config.userDefaults().budgetDuration().orElse(null), false);
        return litellm.createUser(user, caller.principal()).replaceWithVoid()
                .onFailure(UpstreamException.because(Reason.DUPLICATE_USER)).recoverWithNull()
                .invoke(() -> known.remember(userId));
    }

    private Uni<WorkshopAttendee> generate(Caller caller, String workshopId, WorkshopRequest request, String userId,
            String alias, Instant pendingUntil) {
        var workshops = config.workshops();
        Map<String, Object> metadata = KeyRefs.forNewKey(Map.of(WORKSHOP, workshopId));
        Map<String, Object> pending = new LinkedHashMap<>(metadata);
        pending.put(PENDING, Map.of("until", pendingUntil.toString()));
        GenerateKeyRequest key = new GenerateKeyRequest(userId, alias,
                request.models() != null ? request.models() : workshops.defaultModels().orElse(null),
                request.maxBudget() != null ? request.maxBudget() : workshops.defaultMaxBudget().orElse(null),
                null, request.duration() != null ? request.duration() : workshops.defaultDuration(),
                pending, null, null, null, null);
        return litellm.generateKey(key, caller.principal())
                .onFailure(UpstreamException.because(Reason.ALIAS_TAKEN)).transform(failure -> ApiException.conflict("key alias " + alias
                        + " is taken by another key (a concurrent call, or a key of another user)"))
                .map(generated -> {
                    if (generated.key() == null || generated.keyHash() == null) {
                        throw new ApiException(ErrorKind.BAD_GATEWAY, "LiteLLM created the key but did not return it");
                    }
                    return new WorkshopAttendee(userId, generated.keyHash(), generated.key(), null,
                            (String) metadata.get(KeyRefs.REF));
                });
    }

    /**
     * Takes the pending mark off every key this call created, now that its secret is about to be answered. A key
     * that cannot be confirmed is deleted and its attendee listed as failed without a secret (a later call would
     * replace it); the rerun creates it again.
     */
    private Uni<List<WorkshopAttendee>> confirm(Caller caller, String workshopId, List<WorkshopAttendee> attendees) {
        if (attendees.stream().noneMatch(a -> a.keySecret() != null)) {
            return Uni.createFrom().item(attendees);
        }
        return Multi.createFrom().iterable(attendees)
                .onItem().transformToUni(attendee -> {
                    if (attendee.keySecret() == null) {
                        return Uni.createFrom().item(attendee);
                    }
                    KeyBody body = KeyBody.update(attendee.keyId());
                    // /key/update replaces metadata as a whole: the key keeps its reference
                    body.newMetadata().put(WORKSHOP, workshopId).put(KeyRefs.REF, attendee.keyRef());
                    return litellm.updateKey(body.json(), caller.principal()).replaceWith(attendee)
                            .onFailure().recoverWithUni(failure -> litellm.deleteKey(attendee.keyId(), caller.principal())
                                    .onFailure().recoverWithNull()
                                    .replaceWith(new WorkshopAttendee(attendee.userId(), null, null,
                                            "its key could not be confirmed in LiteLLM (" + describe(failure)
                                                    + "); rerun to create it again")));
                })
                .merge(concurrency())
                .collect().asList();
    }

    /** How long after its deadline a provisioning call may still be confirming: its keys stay pending that long. */
    private Duration pendingMargin() {
        // calls in flight at the deadline finish within one upstream timeout, the confirmations within another
        return Duration.ofMillis(2L * litellmConfig.resilience().timeoutMs()).plusSeconds(60);
    }

    private static boolean isPending(ObjectNode row) {
        return KeyRow.of(row).metadata().has(PENDING);
    }

    private static Instant pendingUntil(ObjectNode row) {
        try {
            return Instant.parse(KeyRow.of(row).metadata(PENDING).path("until").asText(""));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    // --- reading and deleting ------------------------------------------------------------------------------

    public Uni<WorkshopView> get(String workshopId) {
        return scan(workshopId).map(rows -> {
            if (rows.isEmpty()) {
                throw notFound(workshopId);
            }
            List<WorkshopMember> members = rows.stream()
                    .map(KeyRow::of)
                    .map(row -> new WorkshopMember(row.userId(), row.token(), row.alias(), row.spendOrNull(),
                            row.maxBudget(), row.expires()))
                    .sorted(Comparator.comparingInt((WorkshopMember m) -> attendeeNumber(m.userId()))
                            .thenComparing(WorkshopMember::userId))
                    .toList();
            double spend = members.stream().mapToDouble(m -> m.spend() == null ? 0.0 : m.spend()).sum();
            return new WorkshopView(workshopId, spend, members);
        });
    }

    /**
     * Deletes every key of the workshop; with {@code users}, its users first (LiteLLM deletes a user's keys with it),
     * then whatever key is left. Answers the number of keys the workshop had; a failure midway leaves the rest for a
     * rerun, which finds it the same way.
     */
    public Uni<Integer> delete(Caller caller, String workshopId, boolean users) {
        return scan(workshopId).flatMap(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().failure(notFound(workshopId));
            }
            LOG.infof("workshop %s: deleting %d keys%s", workshopId, rows.size(), users ? " and their users" : "");
            Uni<List<ObjectNode>> left = Uni.createFrom().item(rows);
            if (users) {
                List<String> userIds = List.copyOf(new LinkedHashSet<>(rows.stream().map(WorkshopService::userOf)
                        .filter(id -> id != null).toList()));
                // forgotten however the deletion ends: a user that may be gone must be looked up again
                left = inBatches(userIds, batch -> litellm.deleteUsers(batch, caller.principal())
                        .onTermination().invoke(() -> known.forgetAll(batch)).replaceWith(batch.size()))
                        .flatMap(done -> scan(workshopId));
            }
            return left.flatMap(remaining -> inBatches(remaining, batch -> litellm.deleteKeys(
                    batch.stream().map(WorkshopService::token).toList(), caller.principal()).replaceWith(batch.size())))
                    .map(done -> rows.size());
        });
    }

    /** Every key row whose metadata names the workshop, without secrets; pages read {@code maxConcurrency} at once. */
    Uni<List<ObjectNode>> scan(String workshopId) {
        int maxPages = config.workshops().scanMaxPages();
        return KeyPages.readConcurrently((page, size) -> litellm.listKeys(null, page, size),
                row -> isOfWorkshop(KeyRow.of(row), workshopId), Math.min(100, litellmConfig.listPageSize()),
                maxPages, concurrency(), () -> new ApiException(ErrorKind.BAD_GATEWAY, "LiteLLM holds more than "
                        + maxPages + " pages of keys; raise orchestrator.workshops.scan-max-pages"));
    }

    private static boolean isOfWorkshop(KeyRow row, String workshopId) {
        return workshopId.equals(row.metadata(WORKSHOP).asText(null)) && row.alias() != null
                && row.alias().startsWith(workshopId + "-");
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private int concurrency() {
        return Math.max(1, config.workshops().maxConcurrency());
    }

    /** Applies {@code call} to batches of {@link #DELETE_BATCH}, {@code maxConcurrency} at once; fails if one fails. */
    private <T, R> Uni<List<R>> inBatches(List<T> items, Function<List<T>, Uni<R>> call) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<List<T>> batches = new ArrayList<>();
        for (int from = 0; from < items.size(); from += DELETE_BATCH) {
            batches.add(items.subList(from, Math.min(items.size(), from + DELETE_BATCH)));
        }
        return Multi.createFrom().iterable(batches).onItem().transformToUni(batch -> call.apply(batch)).merge(concurrency())
                .collect().asList();
    }

    private static Optional<ObjectNode> workshopKey(List<ObjectNode> rows, String alias) {
        return rows.stream().filter(row -> alias.equals(KeyRow.of(row).alias())).findFirst();
    }

    private static String token(ObjectNode row) {
        return KeyRow.of(row).token();
    }

    private static String userOf(ObjectNode row) {
        return KeyRow.of(row).userId();
    }

    /** The attendee number in {@code participant12@…}, for ordering; others sort last. */
    static int attendeeNumber(String userId) {
        if (userId == null) {
            return Integer.MAX_VALUE;
        }
        Matcher matcher = ATTENDEE_NUMBER.matcher(userId);
        if (matcher.find()) {
            try {
                return Integer.parseInt(matcher.group(1));
            } catch (NumberFormatException e) {
                return Integer.MAX_VALUE;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static ApiException notFound(String workshopId) {
        return ApiException.notFound("Workshop " + workshopId + " not found (it has no keys)");
    }

    /** What went wrong for one attendee, in words fit for the answer: never a secret, never a stack trace. */
    static String describe(Throwable failure) {
        if (failure instanceof ApiException api) {
            return api.getMessage();
        }
        if (failure instanceof UpstreamException upstream) {
            return upstream.describe();
        }
        if (failure instanceof TimeoutException) {
            return "LiteLLM did not answer in time";
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return "LiteLLM is failing (circuit breaker open)";
        }
        if (failure instanceof BulkheadException) {
            return "too many calls to LiteLLM in flight";
        }
        return "unexpected failure (" + failure.getClass().getSimpleName() + ")";
    }

    /** Logs progress at every tenth of the attendees. */
    private static final class Progress {
        private final String workshopId;
        private final int total;
        private final int step;
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final long started = System.nanoTime();

        Progress(String workshopId, int total) {
            this.workshopId = workshopId;
            this.total = total;
            this.step = Math.max(1, total / 10);
        }

        void done(WorkshopAttendee attendee) {
            if (attendee.error() != null) {
                failed.incrementAndGet();
            }
            int count = done.incrementAndGet();
            if (count % step == 0 || count == total) {
                LOG.infof("workshop %s: %d/%d attendees done (%d failed) after %d ms", workshopId, count, total,
                        failed.get(), Duration.ofNanos(System.nanoTime() - started).toMillis());
            }
        }
    }
}

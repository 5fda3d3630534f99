package io.litellm.orchestrator.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmClient;
import io.litellm.orchestrator.client.UserRow;
import io.litellm.orchestrator.config.EventsConfig;
import io.litellm.orchestrator.events.Findings.Finding;
import io.litellm.orchestrator.service.KeyService;
import io.litellm.orchestrator.service.RecoverySweep;
import io.litellm.orchestrator.service.TeamService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The expiry and budget scans. Every replica runs them on a schedule (with a random delay, so replicas do not scan in
 * step); each finding is still sent once, because the "sent" mark lives in LiteLLM with the key or user
 * ({@link Findings#MARKS} in its metadata), not in a replica's memory.
 * <p>
 * LiteLLM has no conditional update, so a claim is: read the row again, write the marks with a random claim id on top
 * of its metadata as it is now (LiteLLM's /key/update and /user/update replace the whole metadata object:
 * key_management_endpoints.py prepare_key_update_data / prepare_metadata_fields, internal_user_endpoints.py
 * _update_single_user_helper), wait {@code claim-settle}, read it back, and send only what still carries our claim id.
 * Replicas that claim the same finding at once all write before any reads back (the settle time exceeds one write),
 * so exactly one, the last writer, finds its id. Should a write be slower than that, the second send has the same
 * event id, which receivers drop (webhook-id, Backstage scope).
 */
@ApplicationScoped
public class LifecycleScanner {

    private static final Logger LOG = Logger.getLogger("io.litellm.orchestrator.events");
    private static final String CHANGED_BY = "litellm-orchestrator (lifecycle scan)";

    /** What one scan read and did. */
    public record ScanResult(int keys, int users, List<Finding> findings, int sent, int skipped) {
    }

    /** A key or user with its findings: what to mark and where. */
    private record Subject(boolean user, String id, List<Finding> findings) {
    }

    private final LiteLlmClient litellm;
    private final KeyService keys;
    private final RecoverySweep sweep;
    private final EventsConfig config;
    private final EventDelivery delivery;

    public LifecycleScanner(LiteLlmClient litellm, KeyService keys, RecoverySweep sweep, EventsConfig config,
            EventDelivery delivery) {
        this.litellm = litellm;
        this.keys = keys;
        this.sweep = sweep;
        this.config = config;
        this.delivery = delivery;
    }

    @Scheduled(identity = "lifecycle-scan", every = "${orchestrator.events.scan.every:15m}",
            delayed = "${orchestrator.events.scan.first-delay:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!delivery.enabled()) {
            return Uni.createFrom().voidItem();
        }
        long jitter = config.scan().jitter().toMillis();
        Uni<Void> wait = Uni.createFrom().voidItem();
        if (jitter > 0) {
            wait = wait.onItem().delayIt().by(Duration.ofMillis(ThreadLocalRandom.current().nextLong(jitter + 1)));
        }
        return wait.flatMap(nothing -> scan())
                .invoke(result -> LOG.infof("Lifecycle scan: %d keys, %d users, %d findings, %d sent, %d left to others",
                        result.keys(), result.users(), result.findings().size(), result.sent(), result.skipped()))
                .onFailure().invoke(failure -> LOG.warnf("Lifecycle scan failed: %s", failure.getClass().getSimpleName()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The findings not yet sent, without sending or marking anything (for {@code GET /admin/findings}). */
    public Uni<ScanResult> pending() {
        return find().map(found -> new ScanResult(found.keys, found.users, found.all(), 0, 0));
    }

    /** Scans now: finds, claims and sends. Also what the schedule runs. */
    public Uni<ScanResult> scan() {
        return find().flatMap(found -> {
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger skipped = new AtomicInteger();
            if (found.subjects.isEmpty()) {
                return Uni.createFrom().item(new ScanResult(found.keys, found.users, List.of(), 0, 0));
            }
            return Multi.createFrom().iterable(found.subjects)
                    .onItem().transformToUni(subject -> claimAndSend(subject)
                            .invoke(count -> {
                                sent.addAndGet(count);
                                skipped.addAndGet(subject.findings().size() - count);
                            })
                            .onFailure().invoke(failure -> LOG.warnf("Lifecycle scan: %s %s not claimed: %s",
                                    subject.user() ? "user" : "key", subject.id(), failure.getClass().getSimpleName()))
                            .onFailure().recoverWithItem(0))
                    .merge(concurrency())
                    .collect().asList()
                    .map(done -> new ScanResult(found.keys, found.users, found.all(), sent.get(), skipped.get()));
        });
    }

    /** What a scan found before any claim. */
    private record Found(int keys, int users, List<Subject> subjects) {
        List<Finding> all() {
            return subjects.stream().flatMap(subject -> subject.findings().stream()).toList();
        }
    }

    private Uni<Found> find() {
        Instant now = Instant.now();
        Map<String, Uni<Owner>> teams = new ConcurrentHashMap<>();
        return keys.everyKey(config.scan().maxPages(), concurrency()).flatMap(rows -> {
            Set<String> userIds = new LinkedHashSet<>();
            List<Uni<Subject>> keySubjects = new ArrayList<>();
            for (ObjectNode node : rows) {
                ScannedKey row = ScannedKey.of(node);
                // a rotation's claim or copy in flight is no one's key; an old key in its grace period dies anyway
                if (sweep.isLeftover(node) || row.inGrace() || row.keyId() == null) {
                    continue;
                }
                if (row.userId() != null) {
                    userIds.add(row.userId());
                }
                keySubjects.add(ownerOf(row, teams).map(owner -> new Subject(false, row.keyId(),
                        Findings.ofKey(row, owner, now, config.scan().expiryLeadTimes(),
                                config.scan().budgetThresholds()))));
            }
            List<Uni<Subject>> userSubjects = new ArrayList<>();
            if (config.scan().users()) {
                for (String userId : userIds) {
                    userSubjects.add(litellm.findUserRow(userId).map(user -> new Subject(true, userId,
                            user.map(found -> Findings.ofUser(found, now, config.scan().budgetThresholds()))
                                    .orElse(List.of()))));
                }
            }
            List<Uni<Subject>> all = new ArrayList<>(keySubjects);
            all.addAll(userSubjects);
            if (all.isEmpty()) {
                return Uni.createFrom().item(new Found(rows.size(), 0, List.of()));
            }
            return Multi.createFrom().iterable(all).onItem().transformToUni(uni -> uni).merge(concurrency())
                    .filter(subject -> !subject.findings().isEmpty())
                    .collect().asList()
                    .map(subjects -> new Found(rows.size(), userSubjects.size(), subjects));
        });
    }

    /** A key's owner: its user; for a group's team key, the group (the team's alias is the group ref). */
    private Uni<Owner> ownerOf(ScannedKey row, Map<String, Uni<Owner>> teams) {
        if (row.userId() != null) {
            return Uni.createFrom().item(Owner.user(row.userId()));
        }
        if (!TeamService.isGroupTeam(row.teamId())) {
            return Uni.createFrom().item(Owner.none());
        }
        return teams.computeIfAbsent(row.teamId(), teamId -> litellm.findTeam(teamId)
                .map(team -> team.map(found -> Owner.group(found.teamAlias())).orElse(Owner.none()))
                .onFailure().recoverWithItem(Owner.none())
                .memoize().indefinitely());
    }

    /** Claims the subject's findings (see the class comment) and sends those it holds; answers how many. */
    private Uni<Integer> claimAndSend(Subject subject) {
        int deliveries = subject.findings().stream().mapToInt(f -> delivery.destinations(f.event())).sum();
        if (!delivery.hasRoom(deliveries)) {
            // not claimed, so the next scan finds it again
            LOG.warnf("Lifecycle scan: the delivery queue is full; %s %s is left for the next scan",
                    subject.user() ? "user" : "key", subject.id());
            return Uni.createFrom().item(0);
        }
        String claim = UUID.randomUUID().toString();
        return read(subject).flatMap(current -> {
            if (current.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            ObjectNode metadata = current.get();
            List<Finding> open = subject.findings().stream().filter(f -> !f.markedIn(metadata)).toList();
            if (open.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            open.forEach(finding -> finding.markInto(metadata, claim));
            return write(subject, metadata)
                    .onItem().delayIt().by(config.scan().claimSettle())
                    .flatMap(written -> read(subject))
                    .flatMap(after -> {
                        List<Finding> held = open.stream()
                                .filter(finding -> after.isPresent() && finding.claimedIn(after.get(), claim)).toList();
                        if (held.isEmpty()) {
                            return Uni.createFrom().item(0);
                        }
                        return awaitRoom(deliveries, ROOM_WAIT).map(room -> {
                            List<Finding> dropped = held.stream().filter(f -> !delivery.publish(f.event())).toList();
                            return dropped;
                        }).flatMap(dropped -> dropped.isEmpty() ? Uni.createFrom().item(held.size())
                                : unmark(subject, dropped, claim).replaceWith(held.size() - dropped.size()));
                    });
        });
    }

    /** How long a scan waits for room in the delivery queue before it sends anyway (and unmarks what is dropped). */
    private static final Duration ROOM_WAIT = Duration.ofSeconds(30);

    /** Waits (without blocking a thread) until the queue has room for {@code deliveries}, or {@code within} passed. */
    private Uni<Boolean> awaitRoom(int deliveries, Duration within) {
        if (delivery.hasRoom(deliveries) || within.isNegative() || within.isZero()) {
            return Uni.createFrom().item(delivery.hasRoom(deliveries));
        }
        Duration step = Duration.ofMillis(100);
        return Uni.createFrom().voidItem().onItem().delayIt().by(step)
                .flatMap(nothing -> awaitRoom(deliveries, within.minus(step)));
    }

    /**
     * Takes back the marks of findings whose event the full queue dropped, so the next scan (of any replica) sends
     * them: only marks still holding this claim, on top of the metadata as it is now.
     */
    private Uni<Void> unmark(Subject subject, List<Finding> dropped, String claim) {
        return read(subject).flatMap(current -> {
            if (current.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            ObjectNode metadata = current.get();
            boolean changed = false;
            for (Finding finding : dropped) {
                changed |= finding.unmarkFrom(metadata, claim);
            }
            LOG.warnf("Lifecycle scan: %d finding(s) of %s %s not queued; left for the next scan", dropped.size(),
                    subject.user() ? "user" : "key", subject.id());
            return changed ? write(subject, metadata).replaceWithVoid() : Uni.createFrom().voidItem();
        });
    }

    /** The subject's metadata as LiteLLM holds it now; empty when the key or user is gone. */
    private Uni<Optional<ObjectNode>> read(Subject subject) {
        if (subject.user()) {
            return litellm.findUserRow(subject.id()).map(found -> found.map(row -> UserRow.view(row).metadataCopy()));
        }
        return litellm.findKey(subject.id()).map(found -> found.map(row -> KeyRow.of(row).metadataCopy()));
    }

    /** Writes the whole metadata object back (LiteLLM replaces it), every existing field kept. */
    private Uni<JsonNode> write(Subject subject, ObjectNode metadata) {
        return subject.user() ? litellm.setUserMetadata(subject.id(), metadata, CHANGED_BY)
                : litellm.setKeyMetadata(subject.id(), metadata, CHANGED_BY);
    }

    private int concurrency() {
        return Math.max(1, config.scan().concurrency());
    }
}

package io.litellm.orchestrator.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.litellm.orchestrator.config.LiteLlmConfig;
import io.smallrye.mutiny.Uni;

/**
 * Probes LiteLLM for readiness and for the admin connection report. Deliberately outside the circuit breaker and
 * retries of {@link LiteLlmClient}: a probe must tell the truth fast, and must not trip the breaker. Never reports the
 * credential itself, nor its hash.
 */
@ApplicationScoped
public class LiteLlmProbe {

    /** What a probe found. {@code masterKeyAccepted} is null when it was not checked. */
    public record Result(boolean reachable, long latencyMs, Integer status, String problem, Boolean masterKeyAccepted,
            long checkedAtNanos, Credential credential) {

        Result withCredential(Credential found) {
            return new Result(reachable, latencyMs, status, problem, masterKeyAccepted, checkedAtNanos, found);
        }
    }

    /** Which kind of credential {@code litellm.master-key} holds, as LiteLLM sees it. */
    public enum CredentialKind {
        /** LiteLLM's master key: accepted, but it has no key row. */
        MASTER_KEY,
        /** A virtual key (for this service: a proxy admin's key). */
        VIRTUAL_KEY
    }

    /**
     * What LiteLLM makes of our credential. {@code kind} null: could not be told. {@code changedByHonoured}: whether
     * LiteLLM's audit log takes the person from our {@code LiteLLM-Changed-By} header (see {@link #honoursChangedBy}).
     * {@code litellmVersion}: as LiteLLM's {@code /health/readiness} reports it, or null.
     */
    public record Credential(CredentialKind kind, Boolean changedByHonoured, String litellmVersion) {
        static final Credential UNKNOWN = new Credential(null, null, null);
    }

    /** The metadata key LiteLLM reads (management_helpers/audit_logs.py, ALLOW_LITELLM_CHANGED_BY_HEADER_METADATA_KEY). */
    static final String CHANGED_BY_OPT_IN = "allow_litellm_changed_by_header";
    private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)");

    private final LiteLlmApi api;
    private final LiteLlmConfig config;
    private final AtomicReference<Result> lastLiveliness = new AtomicReference<>();

    public LiteLlmProbe(@RestClient LiteLlmApi api, LiteLlmConfig config) {
        this.api = api;
        this.config = config;
    }

    /** LiteLLM's {@code /health/liveliness}, reusing a result younger than {@code litellm.health.cache-ttl}. */
    public Uni<Result> liveliness() {
        Result cached = lastLiveliness.get();
        if (cached != null && System.nanoTime() - cached.checkedAtNanos() < config.health().cacheTtl().toNanos()) {
            return Uni.createFrom().item(cached);
        }
        return probeLiveliness().invoke(lastLiveliness::set);
    }

    /**
     * Reachability and latency, then whether LiteLLM accepts our credential (a one-row key listing), and then which
     * kind of credential it is and whether LiteLLM's audit log honours our {@code LiteLLM-Changed-By} with it.
     */
    public Uni<Result> connection() {
        return probeLiveliness().flatMap(live -> {
            if (!live.reachable()) {
                return Uni.createFrom().item(live);
            }
            return api.listKeys(null, 1, 1, false)
                    .map(ok -> Boolean.TRUE)
                    .onFailure().recoverWithItem(failure -> {
                        Throwable classified = UpstreamErrors.classify(failure);
                        if (classified instanceof UpstreamException.Rejected rejected
                                && (rejected.status() == 401 || rejected.status() == 403)) {
                            return Boolean.FALSE;
                        }
                        return null;
                    })
                    .ifNoItem().after(timeout()).recoverWithItem((Boolean) null)
                    .map(accepted -> new Result(true, live.latencyMs(), live.status(), live.problem(), accepted,
                            live.checkedAtNanos(), Credential.UNKNOWN))
                    .flatMap(result -> Boolean.TRUE.equals(result.masterKeyAccepted())
                            ? credential().map(result::withCredential)
                            : Uni.createFrom().item(result));
        });
    }

    /** The kind of our credential, LiteLLM's version, and from both whether Changed-By is honoured. */
    private Uni<Credential> credential() {
        Uni<Optional<String>> version = bounded(api.readiness()
                .map(ready -> Optional.ofNullable(ready.path("litellm_version").asText(null))), Optional.empty());
        Uni<OwnKey> own = bounded(api.ownKeyInfo().map(answer -> (OwnKey) new OwnKey.Row(answer.path("info")))
                .onFailure().recoverWithItem(failure -> {
                    Throwable classified = UpstreamErrors.classify(failure);
                    // the master key has no row: info_key_fn answers 404 for the caller's own key
                    return classified instanceof UpstreamException.Rejected rejected && rejected.status() == 404
                            ? new OwnKey.NoRow() : new OwnKey.Unknown();
                }), new OwnKey.Unknown());
        return Uni.combine().all().unis(version, own).asTuple().flatMap(found -> {
            String litellmVersion = found.getItem1().orElse(null);
            OwnKey key = found.getItem2();
            if (key instanceof OwnKey.NoRow) {
                return Uni.createFrom().item(new Credential(CredentialKind.MASTER_KEY,
                        honoursChangedBy(litellmVersion, false), litellmVersion));
            }
            if (!(key instanceof OwnKey.Row row)) {
                return Uni.createFrom().item(new Credential(null, null, litellmVersion));
            }
            if (optedIn(row.info().path("metadata"))) {
                return Uni.createFrom().item(new Credential(CredentialKind.VIRTUAL_KEY,
                        honoursChangedBy(litellmVersion, true), litellmVersion));
            }
            // the opt-in may sit on the key's team instead (UserAPIKeyAuth.team_metadata)
            String teamId = row.info().path("team_id").asText(null);
            Uni<Boolean> teamOptIn = teamId == null ? Uni.createFrom().item(false)
                    : bounded(api.teamInfoJson(teamId).map(team -> optedIn(team.path("team_info").path("metadata"))),
                            false);
            return teamOptIn.map(opted -> new Credential(CredentialKind.VIRTUAL_KEY,
                    honoursChangedBy(litellmVersion, opted), litellmVersion));
        });
    }

    /**
     * Whether LiteLLM's audit log records the person named in {@code LiteLLM-Changed-By}. Since 1.84.0 only when the
     * calling key (or its team) has {@code allow_litellm_changed_by_header: true} in its metadata
     * (audit_logs.get_audit_log_changed_by); the master key has no metadata and can never opt in. Before 1.84.0 the
     * header was taken from any caller. An unknown version is judged by the newer rule.
     */
    static boolean honoursChangedBy(String litellmVersion, boolean optedIn) {
        if (litellmVersion != null) {
            Matcher m = VERSION.matcher(litellmVersion.trim());
            if (m.find()) {
                int major = Integer.parseInt(m.group(1));
                int minor = Integer.parseInt(m.group(2));
                if (major < 1 || (major == 1 && minor < 84)) {
                    return true;
                }
            }
        }
        return optedIn;
    }

    private static boolean optedIn(JsonNode metadata) {
        JsonNode flag = metadata.path(CHANGED_BY_OPT_IN);
        // LiteLLM checks "is True": a JSON true, nothing else
        return flag.isBoolean() && flag.asBoolean();
    }

    /** {@code /key/info} of our own credential: its row, or no row at all. */
    private sealed interface OwnKey {
        record Row(JsonNode info) implements OwnKey {
        }

        record NoRow() implements OwnKey {
        }

        record Unknown() implements OwnKey {
        }
    }

    /** {@code call} within the probe's timeout, {@code otherwise} when it fails or does not answer. */
    private <T> Uni<T> bounded(Uni<T> call, T otherwise) {
        return call.ifNoItem().after(timeout()).recoverWithItem(otherwise)
                .onFailure().recoverWithItem(otherwise);
    }

    private Uni<Result> probeLiveliness() {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return api.liveliness()
                    .map(response -> {
                        int status = response.getStatus();
                        response.close();
                        return new Result(status < 300, millisSince(start), status,
                                status < 300 ? null : "LiteLLM answered " + status, null, System.nanoTime(),
                                Credential.UNKNOWN);
                    })
                    .ifNoItem().after(timeout()).fail()
                    .onFailure().recoverWithItem(failure -> {
                        Throwable classified = UpstreamErrors.classify(failure);
                        Integer status = classified instanceof UpstreamException.Rejected r ? Integer.valueOf(r.status())
                                : classified instanceof UpstreamException.Failed f ? Integer.valueOf(f.status()) : null;
                        String problem = status != null ? "LiteLLM answered " + status
                                : failure instanceof io.smallrye.mutiny.TimeoutException ? "no answer in time"
                                        : classified.getMessage();
                        return new Result(false, millisSince(start), status, problem, null, System.nanoTime(),
                                Credential.UNKNOWN);
                    });
        });
    }

    private Duration timeout() {
        return Duration.ofMillis(config.health().timeoutMs());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}

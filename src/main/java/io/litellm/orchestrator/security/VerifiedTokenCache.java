package io.litellm.orchestrator.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.litellm.orchestrator.config.TokenCacheConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Identities of bearer tokens that passed full verification, keyed by the SHA-256 of the whole raw token (header,
 * payload and signature), so a token that differs in any byte is a miss. An entry lives until the token's
 * {@code exp} or the configured time to live, whichever comes first, and {@code exp}/{@code nbf} are checked again
 * on every hit.
 * <p>
 * A Caffeine cache: lookups are lock-free reads; bounded by {@code max-size}, past which Caffeine drops the entry
 * least likely to be used again (W-TinyLFU: how often and how recently a token was seen); maintenance runs on the
 * calling thread, so no pool is needed and the bound holds after each store. Caffeine keeps an entry
 * {@link #EXPIRED_KEPT} past its end, so that a token used after its end is counted {@code expired} (a client that
 * renews too late) rather than {@code miss}; it is never served then. Lookups by result are
 * {@code orchestrator.token.cache}; Caffeine's own statistics (size, evictions) are {@code cache.*{cache=verified-tokens}}.
 */
// Caffeine picks a generated cache and node class by name, by reflection: the native image must carry the two this
// builder picks (NativeImageReadinessTest checks the names on the JVM).
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSSMSA",
        "com.github.benmanes.caffeine.cache.PSWMS" }, methods = false)
@ApplicationScoped
public class VerifiedTokenCache {

    /** How long Caffeine keeps an entry after the token's end or TTL, for the {@code expired} count only. */
    static final Duration EXPIRED_KEPT = Duration.ofMinutes(1);

    private record Entry(SecurityIdentity identity, long notBeforeSeconds, long expiresAtMillis) {
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(VerifiedTokenCache::sha256);

    private final TokenCacheConfig config;
    private final OrchestratorMetrics metrics;
    private final Clock clock;
    private final Cache<ByteBuffer, Entry> entries;

    @Inject
    public VerifiedTokenCache(TokenCacheConfig config, OrchestratorMetrics metrics) {
        this(config, metrics, Clock.systemUTC());
    }

    VerifiedTokenCache(TokenCacheConfig config, OrchestratorMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .maximumSize(Math.max(1, config.maxSize()))
                // each write's expiry from its own entry; the ticker is the wall clock, as a token's exp is
                .expireAfter(Expiry.writing((ByteBuffer key, Entry entry) -> Duration.ofMillis(
                        entry.expiresAtMillis() - clock.millis()).plus(EXPIRED_KEPT)))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .recordStats()
                .build();
        metrics.cache(entries, "verified-tokens");
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The identity verified earlier for exactly this token, or null: then the token must be verified in full. */
    public SecurityIdentity lookup(String rawToken) {
        ByteBuffer key = key(rawToken);
        Entry entry = entries.getIfPresent(key);
        if (entry == null) {
            metrics.tokenCache("miss");
            return null;
        }
        long now = clock.millis();
        if (now >= entry.expiresAtMillis() || now / 1000 < entry.notBeforeSeconds()) {
            entries.asMap().remove(key, entry);
            metrics.tokenCache("expired");
            return null;
        }
        metrics.tokenCache("hit");
        return entry.identity();
    }

    /** Keeps {@code identity}, just verified for {@code rawToken}, until the token expires or the TTL ends. */
    public void store(String rawToken, SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
            return; // only tokens with an exp: an entry must never outlive its token
        }
        long now = clock.millis();
        long expiresAt = Math.min(jwt.getExpirationTime() * 1000, now + config.timeToLive().toMillis());
        if (expiresAt <= now) {
            return;
        }
        Entry entry = new Entry(identity, seconds(jwt.getClaim("nbf")), expiresAt);
        entries.put(key(rawToken), entry);
    }

    /** Entries held now, once ended ones are dropped. */
    public int size() {
        entries.cleanUp();
        return (int) entries.estimatedSize();
    }

    public void clear() {
        entries.invalidateAll();
    }

    /** A numeric claim as seconds; smallrye-jwt hands them out as Long or as a JSON number. */
    private static long seconds(Object claim) {
        if (claim instanceof Number number) {
            return number.longValue();
        }
        return claim == null ? 0 : new java.math.BigDecimal(claim.toString()).longValue();
    }

    /**
     * The key of a token: its SHA-256 as a byte buffer (equal and hashed by content), not a hex string. The digest
     * object is kept per thread (reset by {@code digest()}), not looked up in the providers on every request.
     */
    private static ByteBuffer key(String rawToken) {
        return ByteBuffer.wrap(SHA_256.get().digest(rawToken.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

package io.litellm.orchestrator.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.litellm.orchestrator.config.TokenCacheConfig;
import io.litellm.orchestrator.observability.OrchestratorMetrics;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Identities of bearer tokens that passed full verification, keyed by the SHA-256 of the whole raw token (header,
 * payload and signature), so a token that differs in any byte is a miss. An entry lives until the token's
 * {@code exp} or the configured time to live, whichever comes first, and {@code exp}/{@code nbf} are checked again
 * on every hit. Bounded: the least recently used entry goes when the cache is full.
 */
@ApplicationScoped
public class VerifiedTokenCache {

    private record Entry(SecurityIdentity identity, long notBeforeSeconds, long expiresAtMillis) {
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(VerifiedTokenCache::sha256);

    private final TokenCacheConfig config;
    private final OrchestratorMetrics metrics;
    private final Clock clock;
    private final Map<ByteBuffer, Entry> entries;

    @Inject
    public VerifiedTokenCache(TokenCacheConfig config, OrchestratorMetrics metrics) {
        this(config, metrics, Clock.systemUTC());
    }

    VerifiedTokenCache(TokenCacheConfig config, OrchestratorMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        int maxSize = Math.max(1, config.maxSize());
        // access order: a hit makes an entry the most recently used; the eldest goes once the bound is passed
        this.entries = new LinkedHashMap<>(Math.min(maxSize, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Entry> eldest) {
                return size() > maxSize;
            }
        };
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The identity verified earlier for exactly this token, or null: then the token must be verified in full. */
    public SecurityIdentity lookup(String rawToken) {
        ByteBuffer key = key(rawToken);
        Entry entry;
        synchronized (entries) {
            entry = entries.get(key);
        }
        if (entry == null) {
            metrics.tokenCache("miss");
            return null;
        }
        long now = clock.millis();
        if (now >= entry.expiresAtMillis() || now / 1000 < entry.notBeforeSeconds()) {
            synchronized (entries) {
                entries.remove(key, entry);
            }
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
        ByteBuffer key = key(rawToken);
        synchronized (entries) {
            entries.put(key, entry);
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
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

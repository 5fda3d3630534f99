package io.litellm.orchestrator.security;

import java.security.SecureRandom;

/**
 * The one strong random source for secrets and references we make. Created at first use, never in a static
 * initialiser: a native image initialises classes at build time and must not carry a generator seeded on the build
 * machine (NativeImageReadinessTest guards this).
 */
public final class RandomSource {

    private static volatile SecureRandom random;

    private RandomSource() {
    }

    public static SecureRandom get() {
        SecureRandom current = random;
        if (current == null) {
            synchronized (RandomSource.class) {
                if (random == null) {
                    random = new SecureRandom();
                }
                current = random;
            }
        }
        return current;
    }
}

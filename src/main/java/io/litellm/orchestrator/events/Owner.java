package io.litellm.orchestrator.events;

/** Whom an event is about: a user (its LiteLLM user id), a group (its ref), or nobody known (a foreign team key). */
public record Owner(Kind kind, String id) {

    public enum Kind {
        USER,
        GROUP,
        NONE
    }

    public static Owner user(String userId) {
        return userId == null ? none() : new Owner(Kind.USER, userId);
    }

    public static Owner group(String groupRef) {
        return groupRef == null ? none() : new Owner(Kind.GROUP, groupRef);
    }

    public static Owner none() {
        return new Owner(Kind.NONE, null);
    }

    /**
     * The Backstage entity ref to notify: a group ref as it is; a user id as it is when it is an entity ref
     * ({@code kind:[namespace/]name}), else with {@code userRefPrefix} before it; null for nobody.
     */
    public String entityRef(String userRefPrefix) {
        if (kind == Kind.NONE) {
            return null;
        }
        if (kind == Kind.GROUP || id.matches("[A-Za-z][\\w-]*:[^\\s@]+")) {
            return id;
        }
        return userRefPrefix + id;
    }
}

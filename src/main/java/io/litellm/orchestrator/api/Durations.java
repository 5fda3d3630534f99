package io.litellm.orchestrator.api;

/** The duration syntax LiteLLM parses ({@code 30s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}, {@code 1mo}). */
public final class Durations {

    public static final String PATTERN = "^[1-9][0-9]{0,5}(s|m|h|d|w|mo)$";
    public static final String MESSAGE = "must be a LiteLLM duration such as 30s, 30m, 12h, 7d, 2w or 1mo";

    private Durations() {
    }
}

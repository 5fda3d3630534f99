package io.litellm.orchestrator.api;

/** The duration syntax LiteLLM parses ({@code 30s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}, {@code 1mo}). */
public final class Durations {

    public static final String PATTERN = "^[1-9][0-9]{0,5}(s|m|h|d|w|mo)$";
    public static final String MESSAGE = "must be a LiteLLM duration such as 30s, 30m, 12h, 7d, 2w or 1mo";

    private Durations() {
    }

    /** A duration matching {@link #PATTERN} as Java's; a month counts 30 days, as LiteLLM's shortest month would not. */
    public static java.time.Duration parse(String value) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^([0-9]+)(s|m|h|d|w|mo)$").matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(MESSAGE);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(amount);
            case "m" -> java.time.Duration.ofMinutes(amount);
            case "h" -> java.time.Duration.ofHours(amount);
            case "d" -> java.time.Duration.ofDays(amount);
            case "w" -> java.time.Duration.ofDays(7 * amount);
            default -> java.time.Duration.ofDays(30 * amount);
        };
    }
}

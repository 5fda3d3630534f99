package io.litellm.orchestrator.security;

/**
 * Control characters (C0, DEL, C1) in names that end up in headers and log lines.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /** Where the first control character of {@code value} is, as "U+000D at position 5", or null if there is none. */
    public static String find(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return String.format("U+%04X at position %d", (int) c, i);
            }
        }
        return null;
    }

    /** {@code value} with every control character written as {@code \\uXXXX}, so it stays on one line. */
    public static String escape(String value) {
        if (value == null || find(value) == null) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

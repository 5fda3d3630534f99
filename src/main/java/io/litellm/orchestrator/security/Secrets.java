package io.litellm.orchestrator.security;

import java.util.regex.Pattern;

/** Masks LiteLLM keys ({@code sk-…}) in any text we show or log that we did not write ourselves. */
public final class Secrets {

    private static final Pattern KEY = Pattern.compile("sk-[A-Za-z0-9_\\-]{4,}");

    private Secrets() {
    }

    public static String mask(String text) {
        return text == null ? null : KEY.matcher(text).replaceAll("sk-***");
    }
}

package io.litellm.orchestrator.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

import io.litellm.orchestrator.config.LiteLlmConfig;

/**
 * The master key on every LiteLLM call. Built once: a {@code ${litellm.master-key}} expression in
 * {@code @ClientHeaderParam} is resolved through the whole config interceptor chain on every call, a few per cent
 * of a request's CPU. Adds nothing else (no incoming header is propagated).
 */
@ApplicationScoped
public class MasterKeyHeader implements ClientHeadersFactory {

    private final String authorization;

    public MasterKeyHeader(LiteLlmConfig config) {
        this.authorization = "Bearer " + config.masterKey();
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incomingHeaders,
            MultivaluedMap<String, String> clientOutgoingHeaders) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>(2);
        headers.putSingle(HttpHeaders.AUTHORIZATION, authorization);
        return headers;
    }

    @Override
    public String toString() {
        return "MasterKeyHeader[Authorization=Bearer ***]";
    }
}

package io.litellm.orchestrator.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.litellm.orchestrator.api.ApiException;
import io.litellm.orchestrator.client.KeyRow;
import io.litellm.orchestrator.client.LiteLlmDtos.KeyListResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The one loop over {@code /key/list} pages: listings, an admin's scan and the recovery sweep read keys through it.
 * Rows come without secrets and as we show them ({@link KeyRefs#show}).
 */
final class KeyPages {

    /** Rows read so far, and the page to read next (null: there is none). */
    record Pages(List<ObjectNode> rows, Integer nextPage) {
    }

    private KeyPages() {
    }

    /**
     * Reads pages of {@code size} from {@code page} on, keeping the rows {@code keep} accepts, until the last page, or
     * until {@code mayRead} refuses the next one (which is then answered as {@link Pages#nextPage}); an
     * {@link ApiException} from {@code mayRead} fails the read.
     */
    static Uni<Pages> read(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf, Predicate<ObjectNode> keep,
            int page, int size, IntPredicate mayRead) {
        return read(pageOf, keep, page, size, new ArrayList<>(), mayRead);
    }

    private static Uni<Pages> read(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf,
            Predicate<ObjectNode> keep, int page, int size, List<ObjectNode> rows, IntPredicate mayRead) {
        return pageOf.apply(page, size).flatMap(response -> {
            List<JsonNode> keys = response.keys() != null ? response.keys() : List.of();
            for (JsonNode key : keys) {
                ObjectNode row = KeyRefs.show(KeyRow.listed(key).json());
                if (keep.test(row)) {
                    rows.add(row);
                }
            }
            if (!hasMorePages(response, page, keys.size(), size)) {
                return Uni.createFrom().item(new Pages(rows, null));
            }
            boolean goOn;
            try {
                goOn = mayRead.test(page + 1);
            } catch (ApiException refused) {
                return Uni.createFrom().failure(refused);
            }
            return goOn ? read(pageOf, keep, page + 1, size, rows, mayRead)
                    : Uni.createFrom().item(new Pages(rows, page + 1));
        });
    }

    /**
     * Every page, the first alone and then the others {@code concurrency} at once, as many as the first page's
     * {@code total_pages} says (one when it does not say); fails with {@code tooMany} when that is more than
     * {@code maxPages}, or (no {@code tooMany}) reads only the first {@code maxPages}. For reads that cover all keys
     * and must be quick (a workshop's, the lifecycle scans'). Pages read at once may overlap when keys come or go
     * meanwhile: one row per key.
     */
    static Uni<List<ObjectNode>> readConcurrently(BiFunction<Integer, Integer, Uni<KeyListResponse>> pageOf,
            Predicate<ObjectNode> keep, int size, int maxPages, int concurrency, Supplier<ApiException> tooMany) {
        return pageOf.apply(1, size).flatMap(first -> {
            int pages = first.totalPages() != null ? first.totalPages() : 1;
            if (pages > maxPages) {
                if (tooMany != null) {
                    return Uni.createFrom().failure(tooMany.get());
                }
                pages = maxPages;
            }
            Uni<List<KeyListResponse>> rest = pages <= 1 ? Uni.createFrom().item(List.of())
                    : Multi.createFrom().range(2, pages + 1)
                            .onItem().transformToUni(page -> pageOf.apply(page, size))
                            .merge(concurrency).collect().asList();
            return rest.map(others -> {
                Map<String, ObjectNode> rows = new LinkedHashMap<>();
                keep(first, keep, rows);
                others.forEach(page -> keep(page, keep, rows));
                return List.copyOf(rows.values());
            });
        });
    }

    private static void keep(KeyListResponse page, Predicate<ObjectNode> keep, Map<String, ObjectNode> rows) {
        if (page.keys() == null) {
            return;
        }
        for (JsonNode key : page.keys()) {
            KeyRow listed = KeyRow.listed(key);
            ObjectNode row = KeyRefs.show(listed.json());
            if (keep.test(row)) {
                rows.putIfAbsent(listed.token() != null ? listed.token() : "#" + rows.size(), row);
            }
        }
    }

    /** LiteLLM's total when it gives one; otherwise a full page means there may be another. */
    static boolean hasMorePages(KeyListResponse response, int page, int received, int size) {
        if (response.totalPages() != null) {
            return page < response.totalPages();
        }
        return received >= size && received > 0;
    }
}

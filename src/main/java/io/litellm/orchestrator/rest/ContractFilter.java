package io.litellm.orchestrator.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Shapes the generated contract like the Backstage plugin's, at build time (so the stored {@code openapi/} files
 * carry it too):
 * <ul>
 * <li>paths relative to the server URL {@link OrchestratorApplication#BASE} ({@code /users}, not
 * {@code /api/litellm-orchestrator/users}), so a client generated from either contract calls the same URLs;</li>
 * <li>an array property annotated with {@code @Schema(ref = …, type = ARRAY)} becomes an array <em>of</em> that
 * ref: {@code @Schema} cannot sit on a type argument, so annotations alone cannot say "items are X".</li>
 * </ul>
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ContractFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        relativizePaths(openAPI, OrchestratorApplication.BASE);
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            openAPI.getComponents().getSchemas().values().forEach(ContractFilter::refArraysToItems);
        }
    }

    private static void relativizePaths(OpenAPI openAPI, String base) {
        if (base.isEmpty() || openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        Map<String, PathItem> relative = new LinkedHashMap<>();
        openAPI.getPaths().getPathItems().forEach((path, item) -> relative
                .put(path.startsWith(base + "/") ? path.substring(base.length()) : path, item));
        openAPI.getPaths().setPathItems(relative);
    }

    private static void refArraysToItems(Schema schema) {
        if (schema.getProperties() == null) {
            return;
        }
        schema.getProperties().values().forEach(property -> {
            if (property.getRef() != null && property.getType() != null
                    && property.getType().contains(Schema.SchemaType.ARRAY)) {
                String ref = property.getRef();
                property.setRef(null);
                property.setItems(OASFactory.createSchema().ref(ref));
            }
        });
    }
}

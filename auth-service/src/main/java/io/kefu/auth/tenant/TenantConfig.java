package io.kefu.auth.tenant;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * A tenant's customer-service settings (the seed's shop config).
 *
 * @param aiModel       which AI answers first ("stub" until kb-ai is set up)
 * @param autoMode      whether AI replies go out without review
 * @param blacklist     customers or words the AI must not answer
 * @param whitelist     customers always served
 * @param businessHours free text such as "09:00-18:00"
 * @param replyDelay    seconds before an automatic reply
 */
public record TenantConfig(@Size(max = 64) String aiModel, Boolean autoMode, @Size(max = 1000) List<@Size(max = 128) String> blacklist,
        @Size(max = 1000) List<@Size(max = 128) String> whitelist, @Size(max = 200) String businessHours,
        @Min(0) @Max(600) Integer replyDelay) {

    public TenantConfig {
        aiModel = aiModel == null || aiModel.isBlank() ? "stub" : aiModel;
        autoMode = autoMode != null && autoMode;
        blacklist = blacklist == null ? List.of() : List.copyOf(blacklist);
        whitelist = whitelist == null ? List.of() : List.copyOf(whitelist);
        replyDelay = replyDelay == null ? 2 : replyDelay;
    }

    public static TenantConfig defaults() {
        return new TenantConfig(null, null, null, null, null, null);
    }
}

package io.kefu.ticket.linking;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.ticket.links.*}, hot: linking a chat customer to a provider's customer by phone and SMS code.
 *
 * @param pushUrl            push-service, whose {@code POST /internal/push/send} sends the SMS
 * @param smsTemplates       per tenant id, push-service's SMS template (variable {@code code}) that carries the code;
 *                           a tenant without one cannot link by phone (503, whatever the phone)
 * @param codeTtl            how long a code is good for
 * @param resendAfter        a customer asks for another code at most this often
 * @param maxAttempts        wrong guesses a code takes before it is dead
 * @param maxCodesPerDay     codes one customer may ask for a day
 * @param maxCodesPerPhone   codes one phone number may be sent in an hour, whoever asks (no SMS bombing)
 */
@Validated
@ConfigurationProperties("kefu.ticket.links")
public record LinkProperties(
        @DefaultValue("http://127.0.0.1:8084") @NotBlank String pushUrl,
        @DefaultValue Map<String, UUID> smsTemplates,
        @DefaultValue("5m") @NotNull Duration codeTtl,
        @DefaultValue("60s") @NotNull Duration resendAfter,
        @DefaultValue("5") @Min(1) @Max(20) int maxAttempts,
        @DefaultValue("10") @Min(1) @Max(1000) int maxCodesPerDay,
        @DefaultValue("5") @Min(1) @Max(1000) int maxCodesPerPhone) {

    public LinkProperties {
        smsTemplates = smsTemplates == null ? Map.of() : Map.copyOf(smsTemplates);
    }
}

package io.kefu.kbai.answer;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.kbai.answer.*}, hot.
 *
 * @param topK              items retrieval returns per question (the low band's draft draws on them)
 * @param lease             how long a claimed question may stay unanswered before the retry job takes it again
 * @param maxAttempts       tries per question; after the last one the customer gets the fallback and a person
 * @param historyLines      lines of the conversation the prompt and the reviewer see
 * @param fallbackMessage   what the customer reads when people take over because the AI cannot answer
 * @param handoffMessage    what the customer reads when they asked for a person (or complained)
 * @param holdingMessage    what the customer reads while their answer waits for review; blank = nothing
 * @param transcriptRetention how long the conversation lines are kept
 * @param modelIntent       ask the model for the intent when the words and categories do not decide
 * @param offHoursMessage   what the customer reads instead of the holding or hand-off notice outside the tenant's
 *                          business hours; {@code {hours}} becomes the tenant's hours
 * @param zone              the tenants' local time for business hours
 */
@Validated
@ConfigurationProperties("kefu.kbai.answer")
public record AnswerProperties(
        @DefaultValue("3") @Min(1) @Max(10) int topK,
        @DefaultValue("3m") @NotNull Duration lease,
        @DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
        @DefaultValue("10") @Min(0) @Max(50) int historyLines,
        @DefaultValue("抱歉，这个问题我暂时无法准确回答，已为您转接人工客服，请稍候。") @NotBlank @Size(max = 500) String fallbackMessage,
        @DefaultValue("好的，正在为您转接人工客服，请稍候。") @NotBlank @Size(max = 500) String handoffMessage,
        @DefaultValue("您的问题已收到，正在为您核实答案，请稍候。") @NotNull @Size(max = 500) String holdingMessage,
        @DefaultValue("7d") @NotNull Duration transcriptRetention,
        @DefaultValue("true") boolean modelIntent,
        @DefaultValue("现在是非工作时间（人工服务时间：{hours}），您的问题已记录，客服上班后会第一时间回复您。") @NotBlank @Size(max = 500)
        String offHoursMessage,
        @DefaultValue("Asia/Shanghai") @NotNull java.time.ZoneId zone) {
}

package io.kefu.kbai.llm;

/** A model's answer and what it cost. */
public record Completion(String text, String model, int inputTokens, int outputTokens) {
}

package io.kefu.kbai.retrieval;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An item found for a question. {@code score} is calibrated: the estimated probability that this
 * item answers the question (0.9 ≈ nine in ten right), not a cosine.
 */
public record Hit(UUID itemId, String question, String answer, @Nullable String category, double score) {
}

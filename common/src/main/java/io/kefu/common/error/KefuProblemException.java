package io.kefu.common.error;

import java.util.Map;

/** Thrown by services for an expected failure; rendered as a problem detail with its code. */
public class KefuProblemException extends RuntimeException {

    private final ProblemType problem;
    private final Map<String, Object> properties;

    public KefuProblemException(ProblemType problem, String detail) {
        this(problem, detail, Map.of());
    }

    public KefuProblemException(ProblemType problem, String detail, Map<String, Object> properties) {
        super(detail);
        this.problem = problem;
        this.properties = Map.copyOf(properties);
    }

    public ProblemType problem() {
        return problem;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}

package io.kefu.stats.metric;

import java.util.Arrays;
import java.util.Optional;

/** What a figure can be broken down by; {@link #ALL} is the tenant as a whole. */
public enum Dimension {
    ALL("all", null),
    AGENT("agent", "agent_id"),
    GROUP("group", "group_name"),
    CHANNEL("channel", "channel");

    private final String code;
    private final String column;

    Dimension(String code, String column) {
        this.code = code;
        this.column = column;
    }

    public String code() {
        return code;
    }

    /** The measurement column, or null for ALL. Only these constants reach SQL. */
    String column() {
        return column;
    }

    String valueSql() {
        return column == null ? "''" : "coalesce(" + column + "::text, '')";
    }

    public static Optional<Dimension> byCode(String code) {
        return Arrays.stream(values()).filter(d -> d.code.equals(code)).findFirst();
    }
}

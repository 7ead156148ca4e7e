package io.kefu.routing.agent;

import java.util.Optional;

/** The seed's staff states: only online agents are offered conversations; busy keeps what they have. */
public enum AgentStatus {
    ONLINE, OFFLINE, BUSY;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<AgentStatus> find(String code) {
        for (AgentStatus status : values()) {
            if (status.code().equals(code)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}

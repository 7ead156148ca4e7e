package io.kefu.ticket.ticket;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** Who made a change: a provider, staff member, customer, or the system (SLA, jobs); written into the history. */
public record Operator(@Nullable UUID id, String name, String type) {

    public static final Operator SYSTEM = new Operator(null, "系统", "system");
}

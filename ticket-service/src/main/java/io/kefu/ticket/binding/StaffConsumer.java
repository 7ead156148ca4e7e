package io.kefu.ticket.binding;

import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** auth's staff events (exchange kefu.auth), group {@code ticket-staff}. */
@Configuration(proxyBeanMethods = false)
class StaffConsumer {

    /** What ticket-service reads of auth's staff created/updated events. */
    record StaffProfile(UUID staffId, UUID tenantId, String name, boolean active, @Nullable String wecomUserId, @Nullable String department,
            @Nullable Long version) {
    }

    record StaffDeactivated(UUID staffId) {
    }

    @Bean
    Consumer<Message<byte[]>> staffEvents(EventHandlers handlers, StaffDirectory staff) {
        return handlers.consumer("ticket-staff")
                .on("auth.staff.created.v1", StaffProfile.class, (d, e) -> upsert(staff, d))
                .on("auth.staff.updated.v1", StaffProfile.class, (d, e) -> upsert(staff, d))
                .on("auth.staff.deactivated.v1", StaffDeactivated.class, (d, e) -> staff.deactivate(d.staffId()))
                .build();
    }

    private static void upsert(StaffDirectory staff, StaffProfile d) {
        staff.upsert(d.staffId(), d.tenantId(), d.name(), d.wecomUserId(), d.department(), d.active(), d.version() == null ? 1 : d.version());
    }
}

package io.kefu.ticket.command;

import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.MalformedEventException;
import io.kefu.ticket.command.StaffCommands.StaffMessage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** chat's {@code chat.wecom.staff-message.v1} (exchange kefu.chat), group {@code ticket-commands}. */
@Configuration(proxyBeanMethods = false)
class StaffCommandConsumer {

    @Bean
    Consumer<Message<byte[]>> staffCommandEvents(EventHandlers handlers, StaffCommands commands) {
        return handlers.consumer("ticket-commands")
                .on("chat.wecom.staff-message.v1", StaffMessage.class, (data, envelope) -> {
                    UUID tenant;
                    try {
                        tenant = UUID.fromString(envelope.tenantId());
                    } catch (RuntimeException e) {
                        throw new MalformedEventException(envelope.type() + " " + envelope.id() + " has no tenant", e);
                    }
                    commands.onStaffMessage(tenant, data);
                })
                .build();
    }
}

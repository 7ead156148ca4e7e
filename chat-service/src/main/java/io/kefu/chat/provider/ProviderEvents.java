package io.kefu.chat.provider;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import io.kefu.chat.conversation.ConversationEvents.MessageAdded;
import io.kefu.chat.conversation.MessageView;
import io.kefu.chat.realtime.Realtime;
import io.kefu.common.event.EventHandlers;
import io.kefu.common.event.MalformedEventException;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What chat does for providers, live and from ticket-service's events (exchange kefu.ticket, group
 * {@code provider-chat}):
 * <ul>
 *   <li>{@code ticket.client.linked.v1} → its own record of whose customer a chat customer is;</li>
 *   <li>{@code ticket.notice.created.v1} → the new message-center message, on the provider's STOMP
 *       {@code /user/queue/notices} (after the inbox commit; live frames are at most once, the message
 *       center is the record);</li>
 *   <li>a customer's new message (in-process, after its commit) → on {@code /user/queue/chat} of each
 *       provider who owns that customer.</li>
 * </ul>
 */
// Named apart from its consumer bean "providerEvents": two beans of one name stop the context.
@Configuration(value = "providerEventsConfiguration", proxyBeanMethods = false)
class ProviderEvents {

    /** chat's own records of ticket-service's events. */
    record ClientLinked(UUID customerId, UUID serviceProviderId, UUID chatCustomerId, String name, String via, Instant linkedAt) {
    }

    record NoticeCreated(UUID noticeId, UUID providerId, String type, String title, @Nullable UUID relatedCustomerId,
            @Nullable UUID relatedTicketId, Instant createdAt) {
    }

    /** A consultation message of one of the provider's customers, as {@code /user/queue/chat} carries it. */
    record CustomerMessage(UUID customerId, String customerName, MessageView message) {
    }

    @Bean
    Consumer<Message<byte[]>> providerEvents(EventHandlers handlers, ProviderCustomers customers, Realtime realtime) {
        return handlers.consumer("provider-chat")
                .on("ticket.client.linked.v1", ClientLinked.class, (data, envelope) ->
                        customers.linked(tenant(envelope.tenantId(), envelope.id()), data.customerId(), data.chatCustomerId(),
                                data.serviceProviderId(), data.name(), data.linkedAt()))
                .on("ticket.notice.created.v1", NoticeCreated.class, (data, envelope) ->
                        afterCommit(() -> realtime.toUser(data.providerId(), "/queue/notices", data)))
                .build();
    }

    @Bean
    CustomerMessagesToProviders customerMessagesToProviders(ProviderCustomers customers, Realtime realtime) {
        return new CustomerMessagesToProviders(customers, realtime);
    }

    static class CustomerMessagesToProviders {

        private final ProviderCustomers customers;
        private final Realtime realtime;

        CustomerMessagesToProviders(ProviderCustomers customers, Realtime realtime) {
            this.customers = customers;
            this.realtime = realtime;
        }

        @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
        void on(MessageAdded added) {
            if (!"customer".equals(added.message().senderType())) {
                return;
            }
            for (ProviderCustomers.Owner owner : customers.ownersOf(added.conversation().tenantId(), added.conversation().customerId())) {
                realtime.toUser(owner.providerId(), "/queue/chat", new CustomerMessage(owner.clientId(), owner.clientName(), added.message()));
            }
        }
    }

    private static void afterCommit(Runnable push) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    push.run();
                }
            });
        } else {
            push.run();
        }
    }

    private static UUID tenant(@Nullable String tenantId, String eventId) {
        try {
            return UUID.fromString(tenantId);
        } catch (RuntimeException e) {
            throw new MalformedEventException("event " + eventId + " has no tenant", e);
        }
    }
}

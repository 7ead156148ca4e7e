package io.kefu.chat.channel;

import java.util.function.Consumer;

import io.kefu.chat.channel.ChannelDelivery.StaffCommandAnswer;
import io.kefu.common.event.EventHandlers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * ticket-service's answers to WeCom employees' {@code #记录客户} / {@code #查询进度}
 * ({@code ticket.staff-command.answered.v1}, exchange kefu.ticket, group {@code ticket-answers}) go back
 * to them as app messages, exactly as routing's answers do ({@link ChannelDelivery#answer}).
 */
// Named apart from its consumer bean "ticketAnswerDelivery": two beans of one name stop the context.
@Configuration(value = "ticketAnswerDeliveryConfiguration", proxyBeanMethods = false)
class TicketAnswerDelivery {

    @Bean
    Consumer<Message<byte[]>> ticketAnswerDelivery(EventHandlers handlers, ChannelDelivery delivery) {
        return handlers.consumer("ticket-answers").on("ticket.staff-command.answered.v1", StaffCommandAnswer.class, delivery::answer).build();
    }
}

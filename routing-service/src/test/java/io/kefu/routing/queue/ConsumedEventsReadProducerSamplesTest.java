package io.kefu.routing.queue;

import java.nio.file.Path;

import io.kefu.routing.queue.RoutingConsumers.ConversationEnded;
import io.kefu.routing.queue.RoutingConsumers.StaffDeactivated;
import io.kefu.routing.queue.RoutingConsumers.StaffProfile;
import io.kefu.routing.queue.RoutingDecision.MessageReceived;
import io.kefu.testsupport.EventContracts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** routing's own records of chat's and auth's events read the producers' committed samples. */
class ConsumedEventsReadProducerSamplesTest {

    static final Path CHAT = Path.of("../chat-service/contracts/events");
    static final Path AUTH = Path.of("../auth-service/contracts/events");

    @Test
    void chatEventsAreReadable() {
        MessageReceived received = EventContracts.readSampleData(CHAT, "chat.message.received.v1", MessageReceived.class);
        assertThat(received.conversationId()).isNotNull();
        assertThat(received.customerId()).isNotNull();
        assertThat(received.content()).isNotBlank();
        assertThat(EventContracts.readSampleData(CHAT, "chat.conversation.ended.v1", ConversationEnded.class).conversationId()).isNotNull();
    }

    @Test
    void authStaffEventsAreReadable() {
        StaffProfile created = EventContracts.readSampleData(AUTH, "auth.staff.created.v1", StaffProfile.class);
        assertThat(created.maxConcurrentChats()).isPositive();
        assertThat(created.department()).isNotBlank();
        assertThat(created.wecomUserId()).isNotBlank();
        assertThat(EventContracts.readSampleData(AUTH, "auth.staff.updated.v1", StaffProfile.class).version()).isEqualTo(2);
        assertThat(EventContracts.readSampleData(AUTH, "auth.staff.deactivated.v1", StaffDeactivated.class).staffId()).isNotNull();
    }
}

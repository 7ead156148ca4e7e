package io.kefu.chat.realtime;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.stereotype.Component;

/**
 * Frames for a user's {@code /user/queue/…} destinations, to every session they have on this instance.
 * With ordered delivery (preserveReceiveOrder / preservePublishOrder) Spring 7's user destination
 * handler hands one message object to each session in turn and the second send fails ("Expected
 * mutable SimpMessageHeaderAccessor"): a user with two tabs, or phone and PC, got frames on one only.
 * So each session gets its own message, addressed to it by session id.
 */
@Component
class UserFrames {

    private final SimpMessagingTemplate broker;
    private final SimpUserRegistry users;

    UserFrames(SimpMessagingTemplate broker, SimpUserRegistry users) {
        this.broker = broker;
        this.users = users;
    }

    void send(String user, String destination, Object payload) {
        SimpUser connected = users.getUser(user);
        if (connected == null) {
            return;
        }
        for (SimpSession session : connected.getSessions()) {
            SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
            headers.setSessionId(session.getId());
            headers.setLeaveMutable(true);
            broker.convertAndSendToUser(user, destination, payload, headers.getMessageHeaders());
        }
    }
}

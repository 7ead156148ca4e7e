package io.kefu.chat.realtime;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.stereotype.Component;

/**
 * Frames for a user's {@code /user/queue/…} destinations, to every session they have on this instance, each
 * as a message of its own addressed to that session's own queue: {@code /user/queue/acks} is what a session
 * subscribed to, and Spring resolved it to {@code /queue/acks-user<sessionId>} (DefaultUserDestinationResolver's
 * target destination; the broker's destination prefixes start with "/", so the leading slash stays).
 *
 * <p>Not {@code convertAndSendToUser} with a session id header: Spring's resolver targets that session only while
 * the user registry still holds it, else all the user's sessions. A session that ended after the registry was
 * read here (a closed tab, a client reconnecting) turned its copy into one message for all the others, which
 * Spring 7's ordered delivery cannot hand to more than one session: "Expected mutable SimpMessageHeaderAccessor"
 * for the rest, and the first got the frame twice. Now a frame for a session that has gone reaches no one.
 */
@Component
class UserFrames {

    /** The user destination prefix (RealtimeConfiguration); a frame's MESSAGE shows the client {@code /user/queue/…}. */
    static final String USER_PREFIX = "/user";

    private final SimpMessagingTemplate broker;
    private final SimpUserRegistry users;

    UserFrames(SimpMessagingTemplate broker, SimpUserRegistry users) {
        this.broker = broker;
        this.users = users;
    }

    /** {@code destination} like {@code /queue/acks}: arrives on {@code /user/queue/acks} of each of the user's sessions here. */
    void send(String user, String destination, Object payload) {
        SimpUser connected = users.getUser(user);
        if (connected == null) {
            return;
        }
        for (SimpSession session : connected.getSessions()) {
            toSession(session.getId(), destination, payload);
        }
    }

    /** The answer to a frame, to the session that sent it only; nothing if that session has gone. */
    void toSession(String sessionId, String destination, Object payload) {
        SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
        // As before: the simple broker takes a message with a session id as a sign of life of that session.
        headers.setSessionId(sessionId);
        headers.setNativeHeader(SimpMessageHeaderAccessor.ORIGINAL_DESTINATION, USER_PREFIX + destination);
        headers.setLeaveMutable(true);
        broker.convertAndSend(sessionDestination(destination, sessionId), payload, headers.getMessageHeaders());
    }

    /** {@code /queue/acks} of session {@code s1}: {@code /queue/acks-users1}, as DefaultUserDestinationResolver resolves a SUBSCRIBE. */
    static String sessionDestination(String destination, String sessionId) {
        return destination + "-user" + sessionId;
    }
}

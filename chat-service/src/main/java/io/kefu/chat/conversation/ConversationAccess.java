package io.kefu.chat.conversation;

import java.util.UUID;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import org.springframework.http.HttpStatus;

/**
 * Who may see and write in a conversation: its customer; staff of its tenant (an agent only when it is
 * unassigned or assigned to them, a supervisor or admin always). Anything else is a 404, so ids of
 * other tenants' conversations are not confirmed to exist.
 */
final class ConversationAccess {

    static final ProblemType CONVERSATION_ENDED = new ProblemType("conversation-ended", HttpStatus.CONFLICT,
            "Conversation has ended");

    private ConversationAccess() {
    }

    static boolean isStaff(KefuPrincipal principal) {
        return principal.hasRole("agent");
    }

    static boolean isCustomer(KefuPrincipal principal) {
        return "customer".equals(principal.type());
    }

    static boolean canSee(KefuPrincipal principal, Conversation conversation) {
        if (principal.isSuperadmin()) {
            return true;
        }
        if (!conversation.tenantId().equals(principal.tenantId())) {
            return false;
        }
        if (isCustomer(principal)) {
            return conversation.customerId().equals(principal.userId());
        }
        if (!isStaff(principal)) {
            return false;
        }
        return principal.hasRole("supervisor") || conversation.agentId() == null || conversation.agentId().equals(principal.userId());
    }

    static boolean canWrite(KefuPrincipal principal, Conversation conversation) {
        return !principal.isSuperadmin() && canSee(principal, conversation);
    }

    static KefuProblemException notFound(UUID conversationId) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No conversation " + conversationId + " that you may see");
    }

    static KefuProblemException ended(UUID conversationId) {
        return new KefuProblemException(CONVERSATION_ENDED, "Conversation " + conversationId + " has ended; start a new one");
    }
}

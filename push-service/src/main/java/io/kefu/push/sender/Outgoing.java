package io.kefu.push.sender;

import java.util.Map;
import java.util.UUID;

import io.kefu.push.template.Template;

/** One message as a sender sees it: the template, the recipient and the values (already checked against the template). */
public record Outgoing(UUID messageId, UUID tenantId, Template template, String recipient, Map<String, String> variables, int attempt) {
}

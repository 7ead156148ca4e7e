package io.kefu.common.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one consumer built by {@link EventHandlers} reads: its group, the producer whose exchange it
 * binds to, and the event types it handles with the record each one's data is read into. Everything
 * its binding must say follows from it.
 *
 * @param group    the consumer group; with the destination it names the queue ({@code kefu.<producer>.<group>})
 * @param producer the first segment shared by every type, e.g. {@code chat}
 * @param types    each handled type and the consumer's own record of its data, in declaration order
 */
public record ConsumerDeclaration(String group, String producer, Map<String, Class<?>> types) {

    public ConsumerDeclaration {
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    /** The exchange this consumer's queue is bound to. */
    public String destination() {
        return "kefu." + producer;
    }

    /** The routing keys its queue must be bound with: exactly one per handled type. */
    public Set<String> routingKeys() {
        TreeSet<String> keys = new TreeSet<>();
        types.keySet().forEach(type -> keys.add(EventEnvelope.routingKeyOf(type)));
        return keys;
    }

    /** The producing service of a type: its first segment, e.g. {@code chat} for {@code chat.message.sent.v1}. */
    public static String producerOf(String type) {
        EventEnvelope.routingKeyOf(type);
        return type.substring(0, type.indexOf('.'));
    }

    /** The types, in declaration order. */
    public List<String> typeNames() {
        return List.copyOf(types.keySet());
    }
}

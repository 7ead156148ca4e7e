package io.kefu.common.input;

import java.util.Iterator;
import java.util.Map;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jackson.JsonNodeDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refuses U+0000 in every JSON string a service reads: string values (fields, list/array elements,
 * untyped {@code Object}/{@code Map} values — Jackson's untyped reader uses a custom String reader when
 * one is registered), map keys, and free-form {@code JsonNode}/{@code ObjectNode}/{@code ArrayNode}
 * trees (values and field names). Registered by common for every service's {@code JsonMapper}, so
 * HTTP bodies and STOMP frames alike are refused with {@link NulCharacterException} before any code
 * sees the text.
 */
public class NulTextModule extends SimpleModule {

    public NulTextModule() {
        super("kefu-nul-text");
        addDeserializer(String.class, new Strings());
        addKeyDeserializer(String.class, new Keys());
        addDeserializer(JsonNode.class, new Trees<>(JsonNodeDeserializer.getDeserializer(JsonNode.class), JsonNode.class));
        addDeserializer(ObjectNode.class, new Trees<>(JsonNodeDeserializer.getDeserializer(ObjectNode.class), ObjectNode.class));
        addDeserializer(ArrayNode.class, new Trees<>(JsonNodeDeserializer.getDeserializer(ArrayNode.class), ArrayNode.class));
    }

    static final class Strings extends ValueDeserializer<String> {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String value = StringDeserializer.instance.deserialize(p, ctxt);
            if (NulText.contains(value)) {
                throw new NulCharacterException(p);
            }
            return value;
        }

        @Override
        public Class<?> handledType() {
            return String.class;
        }

        @Override
        public boolean isCachable() {
            return true;
        }
    }

    static final class Keys extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) {
            if (NulText.contains(key)) {
                throw new NulCharacterException(ctxt.getParser());
            }
            return key;
        }
    }

    static final class Trees<T extends JsonNode> extends ValueDeserializer<T> {

        private final ValueDeserializer<? extends JsonNode> delegate;
        private final Class<T> type;

        Trees(ValueDeserializer<? extends JsonNode> delegate, Class<T> type) {
            this.delegate = delegate;
            this.type = type;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonNode tree = delegate.deserialize(p, ctxt);
            if (holdsNul(tree)) {
                throw new NulCharacterException(p);
            }
            return type.cast(tree);
        }

        @Override
        public T getNullValue(DeserializationContext ctxt) {
            Object value = delegate.getNullValue(ctxt);
            return type.isInstance(value) ? type.cast(value) : null;
        }

        @Override
        public Class<?> handledType() {
            return type;
        }

        private static boolean holdsNul(JsonNode node) {
            if (node == null) {
                return false;
            }
            if (node.isString()) {
                return NulText.contains(node.asString());
            }
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext();) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (NulText.contains(field.getKey()) || holdsNul(field.getValue())) {
                        return true;
                    }
                }
                return false;
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    if (holdsNul(element)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}

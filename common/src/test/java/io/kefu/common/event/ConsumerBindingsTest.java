package io.kefu.common.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A consumer's declaration against its binding in the configuration: every disagreement is named. */
class ConsumerBindingsTest {

    record Sent(String id) {
    }

    record Ended(String id) {
    }

    final EventHandlers handlers = new EventHandlers(null, null);

    final ConsumerDeclaration chatEvents = handlers.consumer("routing")
            .on("chat.message.sent.v1", Sent.class, (d, e) -> { })
            .on("chat.conversation.ended.v1", Ended.class, (d, e) -> { })
            .build().declaration();

    Map<String, Object> agreeing() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.cloud.function.definition", "chatEvents;other");
        p.put("spring.cloud.stream.bindings.chatEvents-in-0.destination", "kefu.chat");
        p.put("spring.cloud.stream.bindings.chatEvents-in-0.group", "routing");
        p.put("spring.cloud.stream.rabbit.default.consumer.binding-routing-key-delimiter", ",");
        p.put("spring.cloud.stream.rabbit.bindings.chatEvents-in-0.consumer.binding-routing-key", "conversation.ended.v1, message.sent.v1");
        return p;
    }

    List<String> check(Map<String, Object> properties, Map<String, ConsumerDeclaration> declared) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return ConsumerBindings.disagreements(declared, environment);
    }

    @Test
    void theDeclarationCarriesGroupProducerTypesAndRecords() {
        assertThat(chatEvents.group()).isEqualTo("routing");
        assertThat(chatEvents.producer()).isEqualTo("chat");
        assertThat(chatEvents.destination()).isEqualTo("kefu.chat");
        assertThat(chatEvents.routingKeys()).containsExactly("conversation.ended.v1", "message.sent.v1");
        assertThat(chatEvents.types()).containsEntry("chat.message.sent.v1", Sent.class).containsEntry("chat.conversation.ended.v1", Ended.class);
    }

    @Test
    void oneConsumerReadsOneProducer() {
        assertThatThrownBy(() -> handlers.consumer("routing").on("chat.message.sent.v1", Sent.class, (d, e) -> { })
                .on("auth.staff.created.v1", Sent.class, (d, e) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another producer");
        assertThatThrownBy(() -> handlers.consumer("routing").build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> handlers.consumer("Routing Group")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAgreeingConfigurationPasses() {
        assertThat(check(agreeing(), Map.of("chatEvents", chatEvents))).isEmpty();
    }

    @Test
    void aServiceWithoutConsumersPasses() {
        assertThat(check(new LinkedHashMap<>(), Map.of())).isEmpty();
    }

    @Test
    void everyDisagreementIsNamed() {
        Map<String, Object> p = agreeing();
        p.put("spring.cloud.function.definition", "authEvents");
        assertThat(check(p, Map.of("chatEvents", chatEvents))).anySatisfy(s -> assertThat(s).contains("chatEvents").contains("not in"));

        p = agreeing();
        p.put("spring.cloud.stream.bindings.chatEvents-in-0.destination", "kefu.auth");
        assertThat(check(p, Map.of("chatEvents", chatEvents))).singleElement().asString().contains("destination kefu.auth");

        p = agreeing();
        p.put("spring.cloud.stream.bindings.chatEvents-in-0.group", "chat");
        assertThat(check(p, Map.of("chatEvents", chatEvents))).singleElement().asString().contains("group chat");

        p = agreeing();
        p.put("spring.cloud.stream.rabbit.bindings.chatEvents-in-0.consumer.binding-routing-key", "message.sent.v1,presence.changed.v1");
        assertThat(check(p, Map.of("chatEvents", chatEvents))).singleElement().asString()
                .contains("missing [conversation.ended.v1]").contains("not handled [presence.changed.v1]");

        p = agreeing();
        p.remove("spring.cloud.stream.rabbit.bindings.chatEvents-in-0.consumer.binding-routing-key");
        assertThat(check(p, Map.of("chatEvents", chatEvents))).singleElement().asString().contains("missing");

        p = agreeing();
        p.put("spring.cloud.stream.bindings.staleEvents-in-0.destination", "kefu.chat");
        assertThat(check(p, Map.of("chatEvents", chatEvents))).singleElement().asString().contains("staleEvents-in-0");
    }
}

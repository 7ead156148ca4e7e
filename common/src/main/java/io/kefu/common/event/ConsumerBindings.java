package io.kefu.common.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.kefu.common.event.EventHandlers.DeclaredConsumer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.stream.binder.rabbit.properties.RabbitBindingProperties;
import org.springframework.cloud.stream.config.BindingProperties;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Compares each consumer's {@link ConsumerDeclaration} with what Spring Cloud Stream will bind from the
 * configuration, and refuses to start on any disagreement: the bean must be in
 * {@code spring.cloud.function.definition}; its binding {@code <bean>-in-0} must have destination
 * {@code kefu.<producer>} and the declared group; its {@code binding-routing-key} must be exactly the
 * routing keys of the declared types (a key too many fills the queue with events nobody handles, a key
 * too few starves a handler). A binding {@code <name>-in-0} of a name outside the definition is refused too.
 * A service without consumers passes when it configures no consumer binding; a context that switches
 * binding off (empty definition and {@code spring.cloud.stream.function.autodetect=false}) is not checked.
 */
public class ConsumerBindings implements SmartInitializingSingleton {

    static final String DEFINITION = "spring.cloud.function.definition";

    private final ListableBeanFactory beans;
    private final Environment environment;

    public ConsumerBindings(ListableBeanFactory beans, Environment environment) {
        this.beans = beans;
        this.environment = environment;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> problems = disagreements();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Consumers disagree with their bindings in the configuration:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** Every consumer built by {@link EventHandlers}, by bean name. */
    public Map<String, ConsumerDeclaration> declarations() {
        Map<String, ConsumerDeclaration> declared = new TreeMap<>();
        @SuppressWarnings("rawtypes")
        Map<String, Consumer> consumers = beans.getBeansOfType(Consumer.class, false, false);
        consumers.forEach((name, bean) -> {
            if (bean instanceof DeclaredConsumer consumer) {
                declared.put(name, consumer.declaration());
            }
        });
        return declared;
    }

    /** What disagrees, one sentence each; empty when the configuration binds exactly what the code declares. */
    public List<String> disagreements() {
        return disagreements(declarations(), environment);
    }

    static List<String> disagreements(Map<String, ConsumerDeclaration> declared, Environment environment) {
        List<String> problems = new ArrayList<>();
        if (!StringUtils.hasText(environment.getProperty(DEFINITION))
                && "false".equalsIgnoreCase(environment.getProperty("spring.cloud.stream.function.autodetect"))) {
            return problems; // binding switched off on purpose (a context that consumes nothing): nothing to agree with
        }
        Binder binder = Binder.get(environment);
        Set<String> definition = new LinkedHashSet<>();
        String raw = environment.getProperty(DEFINITION, "");
        Arrays.stream(raw.split("[;|]")).map(String::trim).filter(StringUtils::hasText).forEach(definition::add);
        Map<String, BindingProperties> bindings = binder.bind("spring.cloud.stream.bindings",
                Bindable.mapOf(String.class, BindingProperties.class)).orElse(Map.of());
        Map<String, RabbitBindingProperties> rabbit = binder.bind("spring.cloud.stream.rabbit.bindings",
                Bindable.mapOf(String.class, RabbitBindingProperties.class)).orElse(Map.of());
        String defaultDelimiter = binder.bind("spring.cloud.stream.rabbit.default.consumer.binding-routing-key-delimiter", String.class)
                .orElse(null);

        declared.forEach((bean, declaration) -> {
            String binding = bean + "-in-0";
            if (!definition.contains(bean)) {
                problems.add("consumer bean " + bean + " (group " + declaration.group() + ") is not in " + DEFINITION + " [" + raw + "]");
            }
            BindingProperties properties = bindings.get(binding);
            if (properties == null) {
                problems.add("no spring.cloud.stream.bindings." + binding + " for consumer " + bean + ": expected destination "
                        + declaration.destination() + ", group " + declaration.group());
            } else {
                if (!declaration.destination().equals(properties.getDestination())) {
                    problems.add(binding + " has destination " + properties.getDestination() + " but " + bean + " reads "
                            + declaration.producer() + ".* events (" + declaration.destination() + ")");
                }
                if (!declaration.group().equals(properties.getGroup())) {
                    problems.add(binding + " has group " + properties.getGroup() + " but " + bean + " declares group " + declaration.group());
                }
            }
            RabbitBindingProperties rabbitProperties = rabbit.get(binding);
            String keys = rabbitProperties == null ? null : rabbitProperties.getConsumer().getBindingRoutingKey();
            String delimiter = rabbitProperties == null || rabbitProperties.getConsumer().getBindingRoutingKeyDelimiter() == null
                    ? defaultDelimiter : rabbitProperties.getConsumer().getBindingRoutingKeyDelimiter();
            TreeSet<String> configured = new TreeSet<>();
            if (keys != null) {
                for (String key : delimiter == null ? new String[] {keys} : keys.split(Pattern.quote(delimiter))) {
                    if (StringUtils.hasText(key)) {
                        configured.add(key.trim());
                    }
                }
            }
            if (!configured.equals(declaration.routingKeys())) {
                TreeSet<String> missing = new TreeSet<>(declaration.routingKeys());
                missing.removeAll(configured);
                TreeSet<String> extra = new TreeSet<>(configured);
                extra.removeAll(declaration.routingKeys());
                problems.add("spring.cloud.stream.rabbit.bindings." + binding + ".consumer.binding-routing-key must be exactly "
                        + String.join(",", declaration.routingKeys()) + " (the types " + bean + " handles)"
                        + (missing.isEmpty() ? "" : "; missing " + missing) + (extra.isEmpty() ? "" : "; not handled " + extra));
            }
        });
        for (String name : definition) {
            if (!declared.containsKey(name) && bindings.containsKey(name + "-in-0")) {
                problems.add(DEFINITION + " names " + name + ", which is not a consumer built by EventHandlers");
            }
        }
        for (String binding : bindings.keySet()) {
            if (binding.endsWith("-in-0") && !definition.contains(binding.substring(0, binding.length() - "-in-0".length()))) {
                problems.add("spring.cloud.stream.bindings." + binding + " binds a function that is not in " + DEFINITION + " [" + raw + "]");
            }
        }
        return problems;
    }
}

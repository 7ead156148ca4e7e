package io.kefu.common.config;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * A typed {@code @ConfigurationProperties} record that follows the environment at run time.
 *
 * <p>Spring Cloud rebinds mutable properties beans on a refresh but cannot rebind an immutable
 * record, and a record cannot be proxied by {@code @RefreshScope}. So records are bound here and
 * bound again on every {@code EnvironmentChangeEvent} (a Nacos push, {@code /actuator/refresh});
 * readers call {@link #get()} each time instead of keeping the value.
 *
 * <p>Every value is checked with the record's own Jakarta constraints ({@code @Min}, {@code @Pattern},
 * {@code @NotBlank}, {@code @Valid} on nested records, ...) and its compact constructor. A value that fails
 * to bind or validate is refused with the key and the reason ({@link InvalidLivePropertiesException}): at
 * start-up the service does not start; at run time (refresh, Nacos) the last good value stays and the
 * refusal is logged, so a typo in Nacos cannot take a running service down.
 */
public final class LiveProperties<T> {

    private static final Logger log = LoggerFactory.getLogger(LiveProperties.class);

    private static final ValidatorFactory VALIDATION = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory();

    private final Environment environment;
    private final String prefix;
    private final Class<T> type;
    private volatile T current;

    private LiveProperties(Environment environment, String prefix, Class<T> type) {
        this.environment = environment;
        this.prefix = prefix;
        this.type = type;
        this.current = bind();
    }

    /** Binds {@code type} under the prefix of its {@link ConfigurationProperties} annotation. */
    public static <T> LiveProperties<T> bind(Environment environment, Class<T> type) {
        ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
        if (annotation == null) {
            throw new IllegalArgumentException(type.getName() + " is not annotated with @ConfigurationProperties");
        }
        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        return new LiveProperties<>(environment, prefix, type);
    }

    // Deliberately not a java.util.function.Supplier: Spring Cloud Function would take such beans
    // for message producers.
    public T get() {
        return current;
    }

    public String prefix() {
        return prefix;
    }

    /** Binds again; returns true when the value changed. */
    public synchronized boolean rebind() {
        T next;
        try {
            next = bind();
        } catch (InvalidLivePropertiesException e) {
            log.warn("Refused new values of {}.*, keeping the previous ones: {}", prefix, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            log.warn("Refused new values of {}.*, keeping the previous ones: {}", prefix, rootMessage(e));
            return false;
        }
        if (Objects.equals(next, current)) {
            return false;
        }
        current = next;
        log.info("{}.* changed: {}", prefix, next);
        return true;
    }

    private T bind() {
        T value;
        try {
            value = Binder.get(environment).bindOrCreate(prefix, Bindable.of(type));
        } catch (BindException e) {
            String key = e.getName() == null ? prefix : e.getName().toString();
            Object given = e.getProperty() == null ? null : e.getProperty().getValue();
            throw new InvalidLivePropertiesException(List.of(key + "=" + given + ": " + rootMessage(e)), e);
        }
        List<String> violations = validate(prefix, value);
        if (!violations.isEmpty()) {
            throw new InvalidLivePropertiesException(violations, null);
        }
        return value;
    }

    /** The violations of {@code value}'s Jakarta constraints, each as {@code key=value: reason}, sorted by key. */
    static List<String> validate(String prefix, Object value) {
        Validator validator = VALIDATION.getValidator();
        Set<ConstraintViolation<Object>> violations = validator.validate(value);
        return violations.stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(v -> prefix + "." + key(v.getPropertyPath()) + "=" + v.getInvalidValue() + ": " + v.getMessage())
                .collect(Collectors.toList());
    }

    private static String key(Path path) {
        StringBuilder key = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getName() == null) {
                continue;
            }
            if (!key.isEmpty()) {
                key.append('.');
            }
            key.append(kebab(node.getName()));
            if (node.getKey() != null) {
                key.append('.').append(node.getKey());
            } else if (node.getIndex() != null) {
                key.append('[').append(node.getIndex()).append(']');
            }
        }
        return key.toString();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /** A value refused: each entry names the key, the value and the reason. */
    public static final class InvalidLivePropertiesException extends IllegalStateException {

        private final List<String> violations;

        InvalidLivePropertiesException(List<String> violations, Throwable cause) {
            super("Invalid configuration: " + String.join("; ", violations), cause);
            this.violations = List.copyOf(violations);
        }

        public List<String> violations() {
            return violations;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}

package io.kefu.common.config;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * A typed {@code @ConfigurationProperties} record that follows the environment at run time.
 *
 * <p>Spring Cloud rebinds mutable properties beans on a refresh but cannot rebind an immutable
 * record, and a record cannot be proxied by {@code @RefreshScope}. So records are bound here and
 * bound again on every {@code EnvironmentChangeEvent} (a Nacos push, {@code /actuator/refresh});
 * readers call {@link #get()} each time instead of keeping the value. A new value that fails to
 * bind or validate is refused and the last good one stays, so a typo in Nacos cannot take a
 * running service down; at start-up the same failure stops the service.
 */
public final class LiveProperties<T> {

    private static final Logger log = LoggerFactory.getLogger(LiveProperties.class);

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
        return Binder.get(environment).bindOrCreate(prefix, Bindable.of(type));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}

package io.kefu.chat.conversation;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/** Lookup of the lower-case codes the API and the database use for the small enums below. */
final class Codes {

    private Codes() {
    }

    static <E extends Enum<E>> Optional<E> find(Class<E> type, Function<E, String> code, String value) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> code.apply(e).equals(value)).findFirst();
    }
}

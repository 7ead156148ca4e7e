package io.kefu.common.input;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * A JSON string (value or field name) holds U+0000. PostgreSQL's {@code text} cannot store it, so the
 * request is refused while it is read: {@code ProblemHandler} turns this into a 400 naming the field.
 */
public class NulCharacterException extends MismatchedInputException {

    public static final String MESSAGE = "must not contain the NUL character (U+0000)";

    NulCharacterException(JsonParser parser) {
        super(parser, MESSAGE, String.class);
    }
}

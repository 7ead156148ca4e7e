package io.kefu.common.input;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Refuses U+0000 in the text of a request that is not JSON: query and form parameters (names and
 * values; multipart text fields too, as Spring has parsed them by now), path variables and header
 * values. Runs before the handler, so the answer is {@code ProblemHandler}'s 400 {@code validation-failed}
 * naming each offending field ({@code query.x}, {@code path.x}, {@code header.x}). JSON bodies are
 * checked by {@link NulTextModule} as they are read.
 */
public class NulRequestInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            boolean bad = NulText.contains(parameter.getKey());
            for (String value : parameter.getValue()) {
                bad |= NulText.contains(value);
            }
            if (bad) {
                errors.add(error("query." + clean(parameter.getKey())));
            }
        }
        if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
            variables.forEach((name, value) -> {
                if (value instanceof String text && NulText.contains(text)) {
                    errors.add(error("path." + name));
                }
            });
        } else if (NulText.contains(request.getRequestURI()) || NulText.contains(request.getServletPath())) {
            errors.add(error("path"));
        }
        for (Enumeration<String> names = request.getHeaderNames(); names != null && names.hasMoreElements();) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
                if (NulText.contains(values.nextElement())) {
                    errors.add(error("header." + name));
                    break;
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new KefuProblemException(ProblemType.VALIDATION, "Some fields are not valid", Map.of("errors", errors));
        }
        return true;
    }

    private static Map<String, String> error(String field) {
        return Map.of("field", field, "message", NulCharacterException.MESSAGE);
    }

    private static String clean(String name) {
        return name.replace(NulText.NUL, '?');
    }
}

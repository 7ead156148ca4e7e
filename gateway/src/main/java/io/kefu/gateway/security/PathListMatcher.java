package io.kefu.gateway.security;

import java.util.Arrays;
import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Matches a request against a list of (method, path pattern) entries in one synchronous pass ending in one
 * Mono. It picks the security chain of every request, so it must be cheap: an
 * {@code OrServerWebExchangeMatcher} of {@code PathPatternParserServerWebExchangeMatcher}s builds a Flux and
 * a Mono per entry. Patterns are parsed as {@code PathPatternParserServerWebExchangeMatcher} parses them
 * (default parser, leading slash added), so both match the same requests; no URI variables are extracted.
 */
final class PathListMatcher implements ServerWebExchangeMatcher {

    // Mono.just is immutable and reusable: no allocation per request.
    private static final Mono<MatchResult> MATCH = MatchResult.match();
    private static final Mono<MatchResult> NO_MATCH = MatchResult.notMatch();

    /** A path pattern, for one method or (method null) for every method. */
    record Entry(HttpMethod method, PathPattern pattern) {

        boolean matches(HttpMethod requestMethod, PathContainer path) {
            return (method == null || method.equals(requestMethod)) && pattern.matches(path);
        }

        @Override
        public String toString() {
            return (method == null ? "" : method + " ") + pattern.getPatternString();
        }
    }

    private final List<Entry> entries;

    PathListMatcher(Entry... entries) {
        this.entries = List.copyOf(Arrays.asList(entries));
    }

    /** The pattern for any method ({@code method} null) or for one. */
    static Entry path(HttpMethod method, String pattern) {
        PathPatternParser parser = PathPatternParser.defaultInstance;
        return new Entry(method, parser.parse(parser.initFullPathPattern(pattern)));
    }

    List<Entry> entries() {
        return entries;
    }

    @Override
    public Mono<MatchResult> matches(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        for (Entry entry : entries) {
            if (entry.matches(method, path)) {
                return MATCH;
            }
        }
        return NO_MATCH;
    }

    @Override
    public String toString() {
        return "PathListMatcher " + entries;
    }
}

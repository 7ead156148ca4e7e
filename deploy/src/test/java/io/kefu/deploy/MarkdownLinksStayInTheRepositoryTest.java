package io.kefu.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Someone who clones Kefu has only the repository: no Markdown link may leave it (a relative link
 * that climbs above the root, or an absolute file path) or point at a file that does not exist.
 * Web links (http, https, mailto) and in-page anchors are not checked.
 */
class MarkdownLinksStayInTheRepositoryTest {

    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    @Test
    void everyRelativeLinkInEveryMarkdownFileResolvesInsideTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> files = markdownFiles();
        assertThat(files).as("Markdown files found").anyMatch(f -> f.endsWith("README.md"));
        for (Path file : files) {
            String text = stripCode(Files.readString(file));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String problem = problem(file, m.group(1));
                if (problem != null) {
                    broken.add(CodeFacts.ROOT.relativize(file) + ": " + m.group(1) + " — " + problem);
                }
            }
        }
        assertThat(broken).as("links that leave the repository or point at nothing").isEmpty();
    }

    @Test
    void theCheckSeesALinkThatLeavesAndOneThatIsMissing() {
        Path readme = CodeFacts.ROOT.resolve("README.md");
        assertThat(problem(readme, "../shared/ARCHITECTURE.md")).contains("leaves");
        assertThat(problem(readme, "docs/no-such-file.md")).contains("no such file");
        assertThat(problem(readme, "/etc/passwd")).contains("leaves");
        assertThat(problem(readme, "docs/architecture.md#jobs")).isNull();
        assertThat(problem(readme, "https://example.com/x")).isNull();
        assertThat(problem(readme, "#configuration")).isNull();
    }

    static String problem(Path file, String target) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
            return null; // a web link or an anchor in the same page
        }
        String path = target.replaceAll("[#?].*$", "");
        if (path.isEmpty()) {
            return null;
        }
        if (path.startsWith("/")) {
            return "leaves the repository (absolute path)";
        }
        Path resolved = file.getParent().resolve(path).normalize();
        if (!resolved.startsWith(CodeFacts.ROOT)) {
            return "leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        return null;
    }

    private static String stripCode(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "").replaceAll("`[^`\\n]*`", "");
    }

    private static List<Path> markdownFiles() throws IOException {
        try (Stream<Path> all = Files.walk(CodeFacts.ROOT)) {
            return all.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        Path rel = CodeFacts.ROOT.relativize(p);
                        for (Path part : rel) {
                            String s = part.toString();
                            if (s.equals("target") || s.equals("node_modules") || (s.startsWith(".") && !s.equals(".ci"))) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .toList();
        }
    }
}

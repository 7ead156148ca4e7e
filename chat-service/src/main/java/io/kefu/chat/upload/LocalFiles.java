package io.kefu.chat.upload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Housekeeping of this instance's own temporary files. */
final class LocalFiles {

    private LocalFiles() {
    }

    /** Deletes the regular files directly in {@code dir} last modified more than {@code age} ago. */
    static int deleteOlderThan(Path dir, Duration age) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant before = Instant.now().minus(age);
        List<Path> old;
        try (Stream<Path> files = Files.list(dir)) {
            old = files.filter(Files::isRegularFile).filter(p -> modifiedBefore(p, before)).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int deleted = 0;
        for (Path p : old) {
            if (Files.deleteIfExists(p)) {
                deleted++;
            }
        }
        return deleted;
    }

    private static boolean modifiedBefore(Path p, Instant before) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(before);
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

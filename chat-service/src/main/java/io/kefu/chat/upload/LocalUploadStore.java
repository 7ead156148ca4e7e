package io.kefu.chat.upload;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.kefu.common.config.LiveProperties;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * Uploads in a directory ({@code kefu.chat.upload.storage-dir}): for one instance ({@code make run}) or
 * instances that mount the same volume. Staging happens in its {@code .tmp/} folder, so putting a file
 * is one atomic move: readers never see half a file.
 */
class LocalUploadStore implements UploadStore {

    private static final String TMP = ".tmp";

    private final LiveProperties<UploadProperties> properties;

    LocalUploadStore(LiveProperties<UploadProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Path stagingDir() throws IOException {
        return Files.createDirectories(root().resolve(TMP));
    }

    @Override
    public void put(String key, Path staged, String contentType) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Only when .tmp sits on another file system than the folder (an odd mount): still never overwrite.
            Files.move(staged, target);
        }
    }

    @Override
    public Resource resource(String key, long size) throws IOException {
        return new FileSystemResource(localCopy(key));
    }

    @Override
    public Path localCopy(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString());
        }
        return path;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public int purgeLocal(Duration age) throws IOException {
        return LocalFiles.deleteOlderThan(root().resolve(TMP), age);
    }

    /** An absolute path under the root; a stored key that would leave it (a tampered row) is refused. */
    Path resolve(String key) {
        Path root = root();
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root) || path.startsWith(root.resolve(TMP))) {
            throw new IllegalArgumentException("stored path leaves the storage directory: " + key);
        }
        return path;
    }

    private Path root() {
        return properties.get().storageDir();
    }
}

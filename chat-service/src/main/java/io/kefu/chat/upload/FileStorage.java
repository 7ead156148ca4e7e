package io.kefu.chat.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.UUID;

import io.kefu.common.config.LiveProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The bytes on disk. Names and folders are ours alone (uuid + extension of the sniffed type, a folder
 * per day), so nothing the client sends reaches a path. A file is written under {@code .tmp/} first
 * and moved into place in one step: readers never see half a file.
 */
@Component
class FileStorage {

    private static final Logger log = LoggerFactory.getLogger(FileStorage.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd");
    private static final String TMP = ".tmp";

    private final LiveProperties<UploadProperties> properties;

    FileStorage(LiveProperties<UploadProperties> properties) {
        this.properties = properties;
    }

    /** A copy of the upload in the temporary folder, with its length and SHA-256. */
    record Staged(Path path, long size, String sha256) {
    }

    /**
     * Copies the upload into the temporary folder; stops reading and refuses once more than
     * {@code maxBytes} arrived.
     */
    Staged stage(InputStream in, long maxBytes) throws IOException {
        Path dir = root().resolve(TMP);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(UUID.randomUUID() + ".part");
        MessageDigest sha = sha256();
        try (InputStream digesting = new DigestInputStream(in, sha); OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buffer = new byte[64 * 1024];
            long size = 0;
            for (int n; (n = digesting.read(buffer)) >= 0; ) {
                size += n;
                if (size > maxBytes) {
                    throw UploadService.tooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            return new Staged(tmp, size, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Moves a staged file to {@code yyyy/MM/dd/<name>}; returns the path relative to the storage root. */
    String place(Staged staged, String fileName, LocalDate day) throws IOException {
        String relative = DAY.format(day) + "/" + fileName;
        Path target = resolve(relative);
        Files.createDirectories(target.getParent());
        try {
            Files.move(staged.path(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Only when .tmp sits on another file system than the folder (an odd mount): still never overwrite.
            Files.move(staged.path(), target);
        }
        return relative;
    }

    /** An absolute path under the root; a stored path that would leave it (a tampered row) is refused. */
    Path resolve(String relative) {
        Path root = root();
        Path path = root.resolve(relative).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("stored path leaves the storage directory: " + relative);
        }
        return path;
    }

    void deleteQuietly(@Nullable Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", path, e.toString());
        }
    }

    private Path root() {
        return properties.get().storageDir();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

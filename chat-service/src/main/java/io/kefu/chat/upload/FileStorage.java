package io.kefu.chat.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * An upload's bytes while they are checked: copied to the store's staging directory (with their length
 * and SHA-256) before their type is sniffed and they go to the {@link UploadStore}.
 */
@Component
class FileStorage {

    private static final Logger log = LoggerFactory.getLogger(FileStorage.class);

    /** How often an instance looks for its own leftovers; the XXL-JOB sweep runs on one instance only. */
    private static final long PURGE_EVERY_MILLIS = 10 * 60_000;

    private final UploadStore store;
    private final java.util.concurrent.atomic.AtomicLong lastPurge = new java.util.concurrent.atomic.AtomicLong();

    FileStorage(UploadStore store) {
        this.store = store;
    }

    /**
     * Deletes this instance's leftovers older than {@link UploadJobs#LOCAL_LEFTOVERS} (staging files of
     * cut-off uploads, local copies), at most every ten minutes, as it works: every instance has its own.
     */
    void purgeLeftoversIfDue() {
        long now = System.currentTimeMillis();
        long last = lastPurge.get();
        if (now - last < PURGE_EVERY_MILLIS || !lastPurge.compareAndSet(last, now)) {
            return;
        }
        try {
            store.purgeLocal(UploadJobs.LOCAL_LEFTOVERS);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not delete old temporary upload files: {}", e.toString());
        }
    }

    /** A copy of the upload in the temporary folder, with its length and SHA-256. */
    record Staged(Path path, long size, String sha256) {
    }

    /**
     * Copies the upload into the temporary folder; stops reading and refuses once more than
     * {@code maxBytes} arrived.
     */
    Staged stage(InputStream in, long maxBytes) throws IOException {
        purgeLeftoversIfDue();
        Path tmp = store.stagingDir().resolve(UUID.randomUUID() + ".part");
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

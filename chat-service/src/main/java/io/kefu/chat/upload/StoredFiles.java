package io.kefu.chat.upload;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/** Read access to uploaded files for other packages (channel delivery sends images to WeChat). */
public interface StoredFiles {

    /**
     * @param fileType image, voice, video or document
     * @param path     where the bytes are on this instance's storage
     */
    record StoredFile(UUID id, UUID tenantId, UUID uploaderId, String originalName, String mimeType, String fileType, long size,
            Path path) {
    }

    Optional<StoredFile> find(UUID fileId);
}

package io.kefu.chat.upload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code kefu.chat.upload.*}, hot: a refresh (or Nacos) changes them without a restart. The servlet
 * container's multipart limits ({@code spring.servlet.multipart.*}) are read at start only and cap
 * {@code maxSize} from above.
 *
 * @param maxSize      largest file accepted (seed: 16 MB)
 * @param storageDir   where the bytes live with {@code store: local}; shared by every instance (a shared volume) when several run
 * @param allowedTypes media types accepted after sniffing the bytes; anything else is a 415
 * @param cacheMaxAge  {@code Cache-Control: private, max-age} of downloads (a file never changes under its id)
 * @param orphanAfter  an upload no message has carried ({@code extra.fileId}) this long after its upload is
 *                     deleted by the job {@code upload-orphan-sweep}
 */
@ConfigurationProperties("kefu.chat.upload")
public record UploadProperties(
        @DefaultValue("16MB") DataSize maxSize,
        @Nullable Path storageDir,
        @DefaultValue({"image/jpeg", "image/png", "image/gif", "image/webp",
                "audio/amr", "audio/silk", "audio/mpeg", "audio/x-aac", "audio/aac", "audio/mp4", "audio/x-m4a",
                "audio/vnd.wave", "audio/wav", "audio/x-wav",
                "video/mp4",
                "application/pdf",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "text/plain"}) List<String> allowedTypes,
        @DefaultValue("1h") Duration cacheMaxAge,
        @DefaultValue("24h") Duration orphanAfter) {

    public UploadProperties {
        if (maxSize.toBytes() < 1) {
            throw new IllegalArgumentException("kefu.chat.upload.max-size must be positive");
        }
        if (allowedTypes.isEmpty()) {
            throw new IllegalArgumentException("kefu.chat.upload.allowed-types must not be empty");
        }
        if (cacheMaxAge.isNegative()) {
            throw new IllegalArgumentException("kefu.chat.upload.cache-max-age must not be negative");
        }
        if (orphanAfter.compareTo(Duration.ofMinutes(10)) < 0) {
            // A customer uploads, then sends: a shorter time would delete files on their way into a message.
            throw new IllegalArgumentException("kefu.chat.upload.orphan-after must be at least 10m");
        }
        allowedTypes = allowedTypes.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
        storageDir = (storageDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "kefu", "uploads") : storageDir)
                .toAbsolutePath().normalize();
    }

    boolean allows(String mediaType) {
        return allowedTypes.contains(mediaType);
    }
}

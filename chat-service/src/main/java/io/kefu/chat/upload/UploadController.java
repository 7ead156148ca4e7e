package io.kefu.chat.upload;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.kefu.chat.upload.UploadService.FileRecord;
import io.kefu.common.security.KefuPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@Tag(name = "files")
class UploadController {

    /** What a client needs to send the file as a message: type image/voice/file with {@code extra: {fileId: id}}. */
    record Uploaded(UUID id, String url, String originalName, long size, String mimeType, String fileType) {

        static Uploaded of(FileRecord f) {
            return new Uploaded(f.id(), f.url(), f.originalName(), f.fileSize(), f.mimeType(), f.fileType());
        }
    }

    record FileMeta(UUID id, String url, String originalName, long size, String mimeType, String fileType, UUID uploaderId,
            String uploaderType, @Nullable UUID conversationId, String sha256, Instant uploadedAt) {

        static FileMeta of(FileRecord f) {
            return new FileMeta(f.id(), f.url(), f.originalName(), f.fileSize(), f.mimeType(), f.fileType(), f.uploaderId(),
                    f.uploaderType(), f.conversationId(), f.sha256(), f.uploadedAt());
        }
    }

    private final UploadService uploads;
    private final io.kefu.common.config.LiveProperties<UploadProperties> properties;

    UploadController(UploadService uploads, io.kefu.common.config.LiveProperties<UploadProperties> properties) {
        this.uploads = uploads;
        this.properties = properties;
    }

    @Operation(summary = "Upload a file (multipart field 'file'); its type is sniffed from the bytes. "
            + "Optional conversationId: everyone who can see that conversation may read the file")
    @PostMapping(path = "/api/upload/file", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Uploaded> upload(@RequestParam(name = "file", required = false) @Nullable MultipartFile file,
            @RequestParam(required = false) @Nullable UUID conversationId) {
        FileRecord stored = uploads.upload(KefuPrincipal.require(), file, conversationId);
        return ResponseEntity.created(URI.create(stored.url())).body(Uploaded.of(stored));
    }

    @Operation(summary = "The file's bytes (uploader, whoever can see its conversation, supervisors of the tenant)")
    @GetMapping("/api/files/{id}")
    ResponseEntity<Resource> download(@PathVariable UUID id) {
        FileRecord file = uploads.readable(KefuPrincipal.require(), id);
        // Documents are saved, never rendered by the browser; media is shown in place.
        ContentDisposition disposition = ("document".equals(file.fileType()) ? ContentDisposition.attachment()
                : ContentDisposition.inline()).filename(file.originalName(), StandardCharsets.UTF_8).build();
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(file.mimeType()))
                .eTag(file.sha256()) // the bytes never change under an id; Spring answers If-None-Match with 304
                .cacheControl(CacheControl.maxAge(properties.get().cacheMaxAge()).cachePrivate())
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition.toString())
                .header("X-Content-Type-Options", "nosniff")
                // Should a browser render it after all, it runs nothing and loads nothing.
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .body(uploads.bytes(file));
    }

    @Operation(summary = "The file's record")
    @GetMapping("/api/files/{id}/meta")
    FileMeta meta(@PathVariable UUID id) {
        return FileMeta.of(uploads.readable(KefuPrincipal.require(), id));
    }
}

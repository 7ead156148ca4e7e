package io.kefu.chat.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.kefu.chat.conversation.ConversationQueries;
import io.kefu.common.config.LiveProperties;
import io.kefu.common.error.KefuProblemException;
import io.kefu.common.error.ProblemType;
import io.kefu.common.security.KefuPrincipal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * Uploads of customers and staff (the seed's {@code /api/upload/file}) and who may read them back.
 * The order is what keeps nothing half-stored: bytes to a temporary file, type sniffed, put in the
 * {@link UploadStore}, and only then the row; a row that cannot be written takes its object with it.
 */
@Service
class UploadService implements StoredFiles {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final Set<String> UPLOADER_TYPES = Set.of("customer", "staff", "admin");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd");
    private static final int SWEEP_BATCH = 500;

    /** A stored file's row. */
    record FileRecord(UUID id, UUID tenantId, UUID uploaderId, String uploaderType, @Nullable UUID conversationId,
            String originalName, String fileName, String filePath, long fileSize, String mimeType, String fileType,
            String sha256, Instant uploadedAt) {

        String url() {
            return "/api/files/" + id;
        }
    }

    private final JdbcClient jdbc;
    private final FileStorage storage;
    private final UploadStore store;
    private final ContentSniffer sniffer;
    private final ConversationQueries conversations;
    private final LiveProperties<UploadProperties> properties;
    private final Clock clock;

    UploadService(JdbcClient jdbc, FileStorage storage, UploadStore store, ContentSniffer sniffer, ConversationQueries conversations,
            LiveProperties<UploadProperties> properties, Clock clock) {
        this.jdbc = jdbc;
        this.storage = storage;
        this.store = store;
        this.sniffer = sniffer;
        this.conversations = conversations;
        this.properties = properties;
        this.clock = clock;
    }

    FileRecord upload(KefuPrincipal uploader, @Nullable MultipartFile file, @Nullable UUID conversationId) {
        if (uploader.tenantId() == null || !UPLOADER_TYPES.contains(uploader.type())
                || !("customer".equals(uploader.type()) || uploader.hasRole("agent"))) {
            throw new KefuProblemException(ProblemType.FORBIDDEN, "Only customers and staff of a tenant upload files");
        }
        if (file == null) {
            throw new KefuProblemException(ProblemType.VALIDATION, "The multipart field 'file' is required");
        }
        if (file.isEmpty()) {
            throw new KefuProblemException(ProblemType.VALIDATION, "The file is empty");
        }
        UploadProperties settings = properties.get();
        long max = settings.maxSize().toBytes();
        if (file.getSize() > max) {
            throw tooLarge(max);
        }
        if (conversationId != null) {
            conversations.requireVisible(uploader, conversationId); // 404 when the uploader may not see it
        }
        String originalName = FileNames.sanitise(file.getOriginalFilename());
        FileStorage.Staged staged = null;
        String placed = null;
        try {
            try (InputStream in = file.getInputStream()) {
                staged = storage.stage(in, max);
            }
            if (staged.size() == 0) {
                throw new KefuProblemException(ProblemType.VALIDATION, "The file is empty");
            }
            String mimeType = sniffer.detect(staged.path(), originalName);
            if (!settings.allows(mimeType)) {
                throw ContentSniffer.unsupported(mimeType, "allowed: " + String.join(", ", settings.allowedTypes()));
            }
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            String fileName = id + sniffer.extensionFor(mimeType);
            // The key: names and folders are ours alone (a folder per day), nothing the client sent.
            String key = DAY.format(now.atZone(ZoneOffset.UTC).toLocalDate()) + "/" + fileName;
            store.put(key, staged.path(), mimeType);
            placed = key;
            FileRecord record = new FileRecord(id, uploader.tenantId(), uploader.userId(), uploader.type(), conversationId,
                    originalName, fileName, key, staged.size(), mimeType, ContentSniffer.fileType(mimeType), staged.sha256(), now);
            insert(record);
            placed = null; // committed: keep it
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException("could not store an upload", e);
        } finally {
            if (staged != null) {
                storage.deleteQuietly(staged.path()); // gone already when it was moved into place
            }
            if (placed != null) {
                deleteQuietly(placed); // the row failed: no file without its row
            }
        }
    }

    /** The record if {@code reader} may read it, else 404 (existence is not confirmed to others). */
    FileRecord readable(KefuPrincipal reader, UUID fileId) {
        return load(fileId).filter(f -> mayRead(reader, f)).orElseThrow(() -> notFound(fileId));
    }

    /** The bytes of a readable file, read when the response is written; 404 when the store has lost them. */
    Resource bytes(FileRecord file) {
        try {
            return store.resource(file.filePath(), file.fileSize());
        } catch (NoSuchFileException e) {
            log.warn("Uploaded file {} has a row but no bytes at {}", file.id(), file.filePath());
            throw notFound(file.id());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read upload " + file.id(), e);
        }
    }

    @Override
    public Optional<StoredFile> find(UUID fileId) {
        storage.purgeLeftoversIfDue();
        return load(fileId).flatMap(f -> {
            Path path;
            try {
                path = store.localCopy(f.filePath());
            } catch (NoSuchFileException e) {
                log.warn("Uploaded file {} has a row but no bytes at {}", f.id(), f.filePath());
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("could not read upload " + f.id(), e);
            }
            return Optional.of(new StoredFile(f.id(), f.tenantId(), f.uploaderId(), f.originalName(), f.mimeType(), f.fileType(),
                    f.fileSize(), path));
        });
    }

    /**
     * Records that a message carries the file, so the orphan sweep keeps it: a message of its uploader,
     * or any message in the conversation the file belongs to. The first one's time is kept.
     */
    void referenced(UUID fileId, @Nullable UUID senderId, UUID tenantId, UUID conversationId) {
        jdbc.sql("""
                update uploaded_file set referenced_at = :now
                 where id = :id and tenant_id = :tenant and referenced_at is null
                   and (uploader_id = :sender or conversation_id = :conversation)""")
                .param("now", Timestamp.from(clock.instant())).param("id", fileId).param("tenant", tenantId)
                .param("sender", senderId, java.sql.Types.OTHER).param("conversation", conversationId).update();
    }

    /**
     * Deletes uploads no message has carried within {@code kefu.chat.upload.orphan-after} of their upload:
     * the row first (only while still unreferenced, one statement), then the object. Rows are claimed with
     * {@code skip locked}, so instances sweeping at once share the work. An object whose delete fails is
     * logged and left (its row is gone, so nobody can reach it).
     */
    int deleteOrphans() {
        Instant before = clock.instant().minus(properties.get().orphanAfter());
        int deleted = 0;
        for (int batch = SWEEP_BATCH; batch == SWEEP_BATCH; ) {
            List<String> keys = jdbc.sql("""
                    delete from uploaded_file where id in (
                      select id from uploaded_file where referenced_at is null and uploaded_at < :before
                       order by uploaded_at limit :batch for update skip locked)
                    returning file_path""")
                    .param("before", Timestamp.from(before)).param("batch", SWEEP_BATCH)
                    .query(String.class).list();
            keys.forEach(this::deleteQuietly);
            deleted += keys.size();
            batch = keys.size();
        }
        return deleted;
    }

    /**
     * Ties a file to the conversation its uploader sent it in, so the other side may read it. Only the
     * uploader's own, not yet linked files move; returns whether one did.
     */
    boolean link(UUID fileId, UUID uploaderId, UUID tenantId, UUID conversationId) {
        return jdbc.sql("""
                update uploaded_file set conversation_id = :conversation
                 where id = :id and uploader_id = :uploader and tenant_id = :tenant and conversation_id is null""")
                .param("conversation", conversationId).param("id", fileId).param("uploader", uploaderId).param("tenant", tenantId)
                .update() == 1;
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not delete the stored upload {}, left behind: {}", key, e.toString());
        }
    }

    private boolean mayRead(KefuPrincipal reader, FileRecord file) {
        if (file.uploaderId().equals(reader.userId()) && file.tenantId().equals(reader.tenantId())) {
            return true;
        }
        if (file.tenantId().equals(reader.tenantId()) && !"customer".equals(reader.type()) && reader.hasRole("supervisor")) {
            return true;
        }
        if (file.conversationId() != null) {
            try {
                conversations.requireVisible(reader, file.conversationId());
                return true;
            } catch (KefuProblemException hidden) {
                return false;
            }
        }
        return false;
    }

    private void insert(FileRecord f) {
        jdbc.sql("""
                insert into uploaded_file (id, tenant_id, uploader_id, uploader_type, conversation_id, original_name, file_name,
                                           file_path, file_size, mime_type, file_type, sha256, uploaded_at)
                values (:id, :tenant, :uploader, :uploaderType, :conversation, :originalName, :fileName,
                        :filePath, :size, :mimeType, :fileType, :sha256, :uploadedAt)""")
                .param("id", f.id()).param("tenant", f.tenantId()).param("uploader", f.uploaderId())
                .param("uploaderType", f.uploaderType()).param("conversation", f.conversationId(), java.sql.Types.OTHER)
                .param("originalName", f.originalName()).param("fileName", f.fileName()).param("filePath", f.filePath())
                .param("size", f.fileSize()).param("mimeType", f.mimeType()).param("fileType", f.fileType())
                .param("sha256", f.sha256()).param("uploadedAt", Timestamp.from(f.uploadedAt()))
                .update();
    }

    private Optional<FileRecord> load(UUID fileId) {
        return jdbc.sql("select * from uploaded_file where id = ?").param(fileId).query(UploadService::row).optional();
    }

    private static FileRecord row(ResultSet rs, int n) throws SQLException {
        return new FileRecord(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("uploader_id", UUID.class), rs.getString("uploader_type"), rs.getObject("conversation_id", UUID.class),
                rs.getString("original_name"), rs.getString("file_name"), rs.getString("file_path"), rs.getLong("file_size"),
                rs.getString("mime_type"), rs.getString("file_type"), rs.getString("sha256"),
                rs.getTimestamp("uploaded_at").toInstant());
    }

    static KefuProblemException tooLarge(long maxBytes) {
        return new KefuProblemException(ProblemType.TOO_LARGE, "The file is larger than the limit of " + maxBytes + " bytes",
                Map.of("maxBytes", maxBytes));
    }

    private static KefuProblemException notFound(UUID fileId) {
        return new KefuProblemException(ProblemType.NOT_FOUND, "No file " + fileId + " that you may read");
    }
}

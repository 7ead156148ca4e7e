package io.kefu.chat.upload;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.core.io.Resource;

/**
 * Where the bytes of uploads live, under keys of ours alone ({@code yyyy/MM/dd/<uuid>.<ext>}, the
 * row's {@code file_path}). Every instance of chat-service must see the same store: a download may
 * reach another instance than the upload did. Two kinds: {@link LocalUploadStore} (a directory, for
 * {@code make run} or a shared volume) and {@link S3UploadStore} (any S3-compatible object store).
 * Objects never change under their key.
 */
interface UploadStore {

    /** Where uploads are copied while they are checked, before {@link #put}; a local directory. */
    Path stagingDir() throws IOException;

    /** Stores the staged file under {@code key}; the staged file may be gone afterwards. */
    void put(String key, Path staged, String contentType) throws IOException;

    /** The bytes to send, read only when written out; {@link NoSuchFileException} when the store has none. */
    Resource resource(String key, long size) throws IOException;

    /** A file on this instance with the bytes (for APIs that take a file); {@link NoSuchFileException} when none. */
    Path localCopy(String key) throws IOException;

    /** Removes the object; nothing when it is gone already. */
    void delete(String key) throws IOException;

    /** Deletes this instance's leftovers (abandoned staging files, local copies) older than {@code age}; returns how many. */
    int purgeLocal(Duration age) throws IOException;
}

package io.kefu.chat.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.Resource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads as objects of one bucket of an S3-compatible store (MinIO, Aliyun OSS, Tencent COS, AWS S3),
 * which every instance reads: a file uploaded through one pod downloads through any other. Keys are
 * the rows' {@code file_path}. Uploads are staged and checked in this instance's temporary directory,
 * then sent in one PUT (an object appears whole or not at all); downloads stream from the store.
 */
class S3UploadStore implements UploadStore {

    private static final Logger log = LoggerFactory.getLogger(S3UploadStore.class);

    private final S3Client s3;
    private final String bucket;
    private final Path staging;
    private final Path copies;

    /** @param localDir this instance's own directory for staging and local copies (never shared) */
    S3UploadStore(S3Client s3, String bucket, Path localDir) {
        this.s3 = s3;
        this.bucket = bucket;
        this.staging = localDir.resolve("staging");
        this.copies = localDir.resolve("copies");
    }

    /** Creates the bucket when it does not exist (a local MinIO); in production the bucket is made by whoever owns the store. */
    void createBucketIfMissing() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            createBucket();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            createBucket();
        }
    }

    private void createBucket() {
        s3.createBucket(b -> b.bucket(bucket));
        log.info("Created upload bucket {}", bucket);
    }

    @Override
    public Path stagingDir() throws IOException {
        return Files.createDirectories(staging);
    }

    @Override
    public void put(String key, Path staged, String contentType) throws IOException {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(staged));
        } catch (SdkException e) {
            throw new IOException("could not store " + key + " in bucket " + bucket, e);
        }
    }

    @Override
    public Resource resource(String key, long size) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key)); // a lost object is a 404, known before the 200 is sent
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(key);
            }
            throw new IOException("could not read " + key + " from bucket " + bucket, e);
        } catch (SdkException e) {
            throw new IOException("could not read " + key + " from bucket " + bucket, e);
        }
        return new StoredObject(key, size);
    }

    @Override
    public Path localCopy(String key) throws IOException {
        Path copy = Files.createDirectories(copies).resolve(key.replace('/', '_'));
        if (Files.isRegularFile(copy)) {
            Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis())); // in use: not purged yet
            return copy;
        }
        Path part = copies.resolve(UUID.randomUUID() + ".part");
        try {
            s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(part));
            try {
                Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        } catch (SdkException e) {
            throw new IOException("could not read " + key + " from bucket " + bucket, e);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key)); // S3 answers 204 for a missing key too
        } catch (SdkException e) {
            throw new IOException("could not delete " + key + " from bucket " + bucket, e);
        }
    }

    @Override
    public int purgeLocal(Duration age) throws IOException {
        return LocalFiles.deleteOlderThan(staging, age) + LocalFiles.deleteOlderThan(copies, age);
    }

    /** An object read only when the response body is written (a 304 opens nothing). */
    private final class StoredObject extends AbstractResource {

        private final String key;
        private final long size;

        StoredObject(String key, long size) {
            this.key = key;
            this.size = size;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            try {
                return s3.getObject(b -> b.bucket(bucket).key(key));
            } catch (NoSuchKeyException e) {
                throw new NoSuchFileException(key);
            } catch (SdkException e) {
                throw new IOException("could not read " + key + " from bucket " + bucket, e);
            }
        }

        @Override
        public boolean exists() {
            return true;
        }

        @Override
        public long contentLength() {
            return size;
        }

        @Override
        public String getDescription() {
            return "s3://" + bucket + "/" + key;
        }
    }
}

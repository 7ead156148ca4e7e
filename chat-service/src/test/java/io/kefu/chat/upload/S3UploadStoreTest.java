package io.kefu.chat.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.Resource;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 store against a played S3-compatible server, through the client the service builds. */
class S3UploadStoreTest {

    private static final String KEY = "2026/11/29/0b6f1c9e-5d0a-4a51-9a0e-3f1f2f6f7a10.png";

    @TempDir
    Path tmp;

    private PlayedS3 played;
    private S3Client client;
    private S3UploadStore one;
    private S3UploadStore other;

    @BeforeEach
    void start() throws IOException {
        played = new PlayedS3("kefu-test");
        played.createBucket("uploads");
        client = UploadConfiguration.s3Client(settings("kefu-test"));
        // Two instances: each its own staging and copies, one bucket.
        one = new S3UploadStore(client, "uploads", tmp.resolve("one"));
        other = new S3UploadStore(UploadConfiguration.s3Client(settings("kefu-test")), "uploads", tmp.resolve("other"));
    }

    @AfterEach
    void stop() {
        client.close();
        played.close();
    }

    @Test
    void aFilePutByOneInstanceIsReadByAnotherWithItsType() throws IOException {
        byte[] bytes = "\u5ba2\u670d screenshot".getBytes(StandardCharsets.UTF_8);
        Path staged = Files.write(one.stagingDir().resolve("a.part"), bytes);

        one.put(KEY, staged, "image/png");

        assertThat(played.object("uploads", KEY)).isEqualTo(bytes);
        assertThat(played.contentType("uploads", KEY)).isEqualTo("image/png");
        Resource resource = other.resource(KEY, bytes.length);
        assertThat(resource.contentLength()).isEqualTo(bytes.length);
        try (InputStream in = resource.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        Path copy = other.localCopy(KEY);
        assertThat(copy).startsWith(tmp.resolve("other"));
        assertThat(Files.readAllBytes(copy)).isEqualTo(bytes);
        assertThat(played.calls()).allSatisfy(call ->
                assertThat(call.authorization()).as("signed with SigV4 for its key").startsWith("AWS4-HMAC-SHA256 Credential=kefu-test/"));
    }

    @Test
    void aResourceIsReadOnlyWhenItsBodyIsWritten() throws IOException {
        one.put(KEY, Files.write(tmp.resolve("b"), new byte[] {1, 2, 3}), "image/png");
        int before = played.calls().size();

        other.resource(KEY, 3);

        // One HEAD (is it there?), no GET until the body is read: a 304 costs no download.
        assertThat(played.calls().subList(before, played.calls().size())).extracting(PlayedS3.Call::method).containsExactly("HEAD");
    }

    @Test
    void aMissingObjectIsNoSuchFileForDownloadsAndCopies() {
        assertThatThrownBy(() -> other.resource(KEY, 3)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> other.localCopy(KEY)).isInstanceOf(NoSuchFileException.class);
        assertThat(tmp.resolve("other/copies")).isEmptyDirectory(); // no half copy left behind
    }

    @Test
    void deletingRemovesTheObjectAndIsQuietWhenItIsGone() throws IOException {
        one.put(KEY, Files.write(tmp.resolve("c"), new byte[] {7}), "text/plain");

        other.delete(KEY);
        other.delete(KEY);

        assertThat(played.object("uploads", KEY)).isNull();
    }

    @Test
    void wrongCredentialsAreAnIoErrorNamingTheKey() throws IOException {
        try (S3Client stranger = UploadConfiguration.s3Client(settings("someone-else"))) {
            S3UploadStore store = new S3UploadStore(stranger, "uploads", tmp.resolve("stranger"));
            Path staged = Files.write(tmp.resolve("d"), new byte[] {1});
            assertThatThrownBy(() -> store.put(KEY, staged, "image/png")).isInstanceOf(IOException.class).hasMessageContaining(KEY);
        }
        assertThat(played.object("uploads", KEY)).isNull();
    }

    @Test
    void aMissingBucketIsCreatedOnceWhenAsked() {
        S3UploadStore store = new S3UploadStore(client, "fresh", tmp.resolve("fresh"));

        store.createBucketIfMissing();
        store.createBucketIfMissing(); // exists now: no second create (which S3 would refuse with 409)

        assertThat(played.hasBucket("fresh")).isTrue();
        assertThat(played.calls()).filteredOn(c -> c.method().equals("PUT") && c.path().equals("/fresh")).hasSize(1);
    }

    @Test
    void onlyOldLocalLeftoversArePurged() throws IOException {
        one.put(KEY, Files.write(tmp.resolve("e"), new byte[] {5}), "image/png");
        Path copy = one.localCopy(KEY);
        Path oldStaging = Files.write(one.stagingDir().resolve("old.part"), new byte[] {1});
        Path freshStaging = Files.write(one.stagingDir().resolve("fresh.part"), new byte[] {1});
        Files.setLastModifiedTime(oldStaging, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(copy, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        assertThat(one.purgeLocal(Duration.ofHours(1))).isEqualTo(2);

        assertThat(oldStaging).doesNotExist();
        assertThat(copy).doesNotExist();
        assertThat(freshStaging).exists();
        assertThat(played.object("uploads", KEY)).as("the stored object is not a local leftover").isNotNull();
    }

    private UploadStoreProperties.S3 settings(String accessKey) {
        return new UploadStoreProperties.S3(played.endpoint(), "cn-hangzhou", "uploads", accessKey, "secret", true, false,
                Duration.ofSeconds(5));
    }
}

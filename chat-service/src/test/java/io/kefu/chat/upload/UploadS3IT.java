package io.kefu.chat.upload;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.common.event.EventJson;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.KefuApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two chat-service instances with {@code kefu.chat.upload.store=s3} against one played S3-compatible
 * store (as two pods behind the gateway against MinIO/OSS/COS): what one stores, the other serves.
 * The instances share this run's database with the test context.
 */
class UploadS3IT extends ChatItSupport {

    private static final String BUCKET = "kefu-uploads-it";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** A 1×1 PNG. */
    private static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static PlayedS3 s3;
    private static ConfigurableApplicationContext podA;
    private static ConfigurableApplicationContext podB;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        s3 = new PlayedS3("kefu-it-key");
        podA = instance();
        podB = instance();
    }

    @AfterAll
    static void stopThem() {
        for (AutoCloseable c : new AutoCloseable[] {podA, podB, s3}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort at the end of the class
            }
        }
    }

    @Test
    void aFileUploadedThroughOneInstanceIsServedByTheOther() throws Exception {
        Person customer = customer(UUID.randomUUID());
        assertThat(s3.hasBucket(BUCKET)).as("create-bucket made the bucket at start").isTrue();

        HttpResponse<byte[]> up = upload(podA, customer.token(), "截图.png", PNG);

        assertThat(up.statusCode()).as(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        UUID id = UUID.fromString(EventJson.mapper().readTree(up.body()).path("id").asString());
        String key = jdbc.queryForObject("select file_path from uploaded_file where id = ?", String.class, id);
        assertThat(s3.object(BUCKET, key)).as("the bytes are in the shared store").isEqualTo(PNG);
        assertThat(s3.contentType(BUCKET, key)).isEqualTo("image/png");
        assertThat(UPLOAD_STORAGE.resolve(key)).as("nothing in the local directory").doesNotExist();

        HttpResponse<byte[]> down = get(podB, customer.token(), "/api/files/" + id);
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.body()).isEqualTo(PNG);
        assertThat(down.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(down.headers().firstValue("content-length")).hasValue(String.valueOf(PNG.length));

        // Channel delivery on the other pod (sending the image to WeChat) gets the bytes as a file too.
        StoredFiles.StoredFile file = podB.getBean(StoredFiles.class).find(id).orElseThrow();
        assertThat(Files.readAllBytes(file.path())).isEqualTo(PNG);
    }

    @Test
    void anObjectLostFromTheStoreIsA404() throws Exception {
        Person customer = customer(UUID.randomUUID());
        HttpResponse<byte[]> up = upload(podA, customer.token(), "lost.png", PNG);
        UUID id = UUID.fromString(EventJson.mapper().readTree(up.body()).path("id").asString());
        s3.remove(BUCKET, jdbc.queryForObject("select file_path from uploaded_file where id = ?", String.class, id));

        HttpResponse<byte[]> down = get(podB, customer.token(), "/api/files/" + id);

        assertThat(down.statusCode()).isEqualTo(404);
        assertThat(EventJson.mapper().readTree(down.body()).path("code").asString()).isEqualTo("not-found");
        assertThat(podB.getBean(StoredFiles.class).find(id)).isEmpty();
    }

    @Test
    void theSweepDeletesOldUploadsNoMessageCarriedAndKeepsTheOthers() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        UUID orphan = uploaded(customer, "orphan.png");
        UUID sent = uploaded(customer, "sent.png");
        UUID recent = uploaded(customer, "recent.png");
        UUID foreign = uploaded(customer(tenant), "someone-elses.png");
        KefuPrincipal principal = new KefuPrincipal(customer.id(), tenant, "customer", java.util.Set.of("customer"));
        MessageSending messages = podA.getBean(MessageSending.class);
        messages.send(principal, new SendCommand(null, "image", "[image]", extra(sent), null, null, null));
        // Someone else's file id in this customer's message does not keep that file.
        messages.send(principal, new SendCommand(null, "image", "[image]", extra(foreign), null, null, null));
        jdbc.update("update uploaded_file set uploaded_at = now() - interval '25 hours' where id in (?, ?, ?)", orphan, sent, foreign);
        Map<UUID, String> keys = new LinkedHashMap<>();
        for (UUID id : new UUID[] {orphan, sent, recent, foreign}) {
            keys.put(id, jdbc.queryForObject("select file_path from uploaded_file where id = ?", String.class, id));
        }

        int deleted = podB.getBean(UploadJobs.class).sweep();

        assertThat(deleted).isGreaterThanOrEqualTo(2);
        assertThat(rows(orphan)).isZero();
        assertThat(rows(foreign)).isZero();
        assertThat(s3.object(BUCKET, keys.get(orphan))).isNull();
        assertThat(s3.object(BUCKET, keys.get(foreign))).isNull();
        assertThat(rows(sent)).as("carried by a message").isOne();
        assertThat(s3.object(BUCKET, keys.get(sent))).isEqualTo(PNG);
        assertThat(rows(recent)).as("younger than orphan-after").isOne();
        assertThat(s3.object(BUCKET, keys.get(recent))).isEqualTo(PNG);
    }

    // ---- helpers ----

    private static ConfigurableApplicationContext instance() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("kefu.chat.upload.store", "s3");
        settings.put("kefu.chat.upload.s3.endpoint", s3.endpoint());
        settings.put("kefu.chat.upload.s3.region", "cn-hangzhou");
        settings.put("kefu.chat.upload.s3.bucket", BUCKET);
        settings.put("kefu.chat.upload.s3.access-key", "kefu-it-key");
        settings.put("kefu.chat.upload.s3.secret-key", "kefu-it-secret");
        settings.put("kefu.chat.upload.s3.create-bucket", "true");
        return startInstance(settings);
    }

    private UUID uploaded(Person uploader, String name) throws Exception {
        HttpResponse<byte[]> up = upload(podA, uploader.token(), name, PNG);
        assertThat(up.statusCode()).isEqualTo(201);
        return UUID.fromString(EventJson.mapper().readTree(up.body()).path("id").asString());
    }

    private int rows(UUID id) {
        return jdbc.queryForObject("select count(*) from uploaded_file where id = ?", Integer.class, id);
    }

    private static JsonNode extra(UUID fileId) {
        return EventJson.mapper().readTree("{\"fileId\":\"" + fileId + "\"}");
    }

    private static HttpResponse<byte[]> upload(ConfigurableApplicationContext pod, String token, String name, byte[] bytes)
            throws Exception {
        String boundary = "----kefu" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(pod) + "/api/upload/file"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(ConfigurableApplicationContext pod, String token, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(pod) + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String base(ConfigurableApplicationContext pod) {
        return "http://127.0.0.1:" + KefuApps.port(pod);
    }
}

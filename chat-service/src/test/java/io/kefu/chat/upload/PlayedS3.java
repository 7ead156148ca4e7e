package io.kefu.chat.upload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An S3-compatible object store played in-process (the JDK's HTTP server; no Docker engine here): path-style
 * buckets and objects in memory, the calls Kefu makes (HEAD/PUT bucket, PUT/GET/HEAD/DELETE object), S3's
 * error documents, and a refusal of any request not signed with AWS Signature V4 for its access key. It
 * checks the signature's form and credential, not its HMAC: the SDK computes that, and a real MinIO checks it.
 */
final class PlayedS3 implements AutoCloseable {

    /** One request as the store saw it. */
    record Call(String method, String path, String authorization) {
    }

    private final HttpServer server;
    private final String accessKey;
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Map<String, Stored> objects = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private record Stored(byte[] bytes, String contentType) {
    }

    PlayedS3(String accessKey) throws IOException {
        this.accessKey = accessKey;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void createBucket(String bucket) {
        buckets.add(bucket);
    }

    boolean hasBucket(String bucket) {
        return buckets.contains(bucket);
    }

    byte[] object(String bucket, String key) {
        Stored stored = objects.get(bucket + "/" + key);
        return stored == null ? null : stored.bytes();
    }

    String contentType(String bucket, String key) {
        Stored stored = objects.get(bucket + "/" + key);
        return stored == null ? null : stored.contentType();
    }

    void remove(String bucket, String key) {
        objects.remove(bucket + "/" + key);
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            calls.add(new Call(method, path, authorization));
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + accessKey + "/")) {
                error(exchange, 403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
                return;
            }
            String[] parts = path.substring(1).split("/", 2);
            String bucket = parts[0];
            String key = parts.length > 1 ? java.net.URLDecoder.decode(parts[1].replace("+", "%2B"), StandardCharsets.UTF_8) : "";
            if (key.isEmpty()) {
                bucket(exchange, method, bucket);
                return;
            }
            if (!buckets.contains(bucket)) {
                error(exchange, 404, "NoSuchBucket", "The specified bucket does not exist");
                return;
            }
            String id = bucket + "/" + key;
            switch (method) {
                case "PUT" -> {
                    byte[] bytes = "aws-chunked".equals(exchange.getRequestHeaders().getFirst("Content-Encoding")) ? unchunk(body) : body;
                    String type = exchange.getRequestHeaders().getFirst("Content-Type");
                    objects.put(id, new Stored(bytes, type == null ? "binary/octet-stream" : type));
                    exchange.getResponseHeaders().add("ETag", "\"" + md5(bytes) + "\"");
                    exchange.sendResponseHeaders(200, -1);
                }
                case "GET", "HEAD" -> {
                    Stored stored = objects.get(id);
                    if (stored == null) {
                        error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
                        return;
                    }
                    exchange.getResponseHeaders().add("Content-Type", stored.contentType());
                    exchange.getResponseHeaders().add("ETag", "\"" + md5(stored.bytes()) + "\"");
                    if (method.equals("HEAD")) {
                        exchange.getResponseHeaders().add("Content-Length", String.valueOf(stored.bytes().length));
                        exchange.sendResponseHeaders(200, -1);
                    } else {
                        exchange.sendResponseHeaders(200, stored.bytes().length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(stored.bytes());
                        }
                    }
                }
                case "DELETE" -> {
                    objects.remove(id);
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> error(exchange, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
            }
        }
    }

    private void bucket(HttpExchange exchange, String method, String bucket) throws IOException {
        switch (method) {
            case "HEAD" -> exchange.sendResponseHeaders(buckets.contains(bucket) ? 200 : 404, -1);
            case "PUT" -> {
                if (!buckets.add(bucket)) {
                    error(exchange, 409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded");
                    return;
                }
                exchange.getResponseHeaders().add("Location", "/" + bucket);
                exchange.sendResponseHeaders(200, -1);
            }
            default -> error(exchange, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1); // S3 sends no body to a HEAD
            return;
        }
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>played</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, xml.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(xml);
        }
    }

    /** aws-chunked: {@code <hex size>;chunk-signature=…\r\n<bytes>\r\n} … {@code 0;…\r\n} then optional trailers. */
    private static byte[] unchunk(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = new java.io.ByteArrayInputStream(body);
        while (true) {
            String header = line(in);
            int size = Integer.parseInt(header.split(";", 2)[0].strip(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

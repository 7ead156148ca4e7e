package io.kefu.push;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark's played Aliyun SMS API: as cheap as a remote provider is to the sender (which pays nothing
 * for the provider's own work), so the figures measure push and not the stand-in. A JDK HTTP server on
 * virtual threads, HTTP/1.1 keep-alive, no request matching, no journal: it answers every {@code POST /}
 * with {@code SendSms}'s (and {@code SendBatchSms}'s) success body and counts the requests and the numbers they
 * carry, and those that carry no {@code Signature} or are neither (answered 400, as Aliyun would refuse them). The tests keep WireMock with exact
 * request matching; WireMock as the benchmark tuned it served 2,300-2,800 POSTs/s using the whole machine.
 */
final class PlayedAliyun implements AutoCloseable {

    private static final byte[] OK = "{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"b\",\"RequestId\":\"r\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REFUSED = "{\"Code\":\"IncompleteSignature\",\"Message\":\"no signature\",\"RequestId\":\"r\"}"
            .getBytes(StandardCharsets.US_ASCII);

    static {
        // The JDK server closes a connection that goes idle while 200 others are idle (its default), and the
        // client finds it closed when it reuses it ("header parser received no bytes": a retry). A provider
        // keeps the senders' few hundred connections alive; and no Nagle delay on the small answers.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "10000");
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong unsigned = new AtomicLong();
    private final AtomicLong recipients = new AtomicLong();

    PlayedAliyun() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long requests() {
        return requests.get();
    }

    /** Numbers in the answered requests: one per SendSms, each of a SendBatchSms's PhoneNumberJson. */
    long recipients() {
        return recipients.get();
    }

    /** Requests refused for want of a signature (or not a SendSms): none is expected. */
    long unsigned() {
        return unsigned.get();
    }

    void reset() {
        requests.set(0);
        unsigned.set(0);
        recipients.set(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.incrementAndGet();
            int numbers = "POST".equals(exchange.getRequestMethod()) ? signed(body) : 0;
            boolean signed = numbers > 0;
            if (!signed) {
                unsigned.incrementAndGet();
            }
            recipients.addAndGet(numbers);
            byte[] answer = signed ? OK : REFUSED;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(signed ? 200 : 400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    /**
     * The numbers a form body carries if it has a non-empty {@code Signature} and is a {@code SendSms} (one number) or a
     * {@code SendBatchSms} (each of its {@code PhoneNumberJson}); 0 otherwise.
     */
    static int signed(byte[] body) {
        String form = new String(body, StandardCharsets.US_ASCII);
        int numbers = 0;
        boolean signature = false;
        for (String pair : form.split("&")) {
            if (pair.equals("Action=SendSms")) {
                numbers = 1;
            } else if (pair.startsWith("PhoneNumberJson=") && form.contains("&Action=SendBatchSms&")) {
                // ["1390…","1390…"] percent-encoded: two %22 per number
                numbers = pair.split("%22", -1).length / 2;
            } else if (pair.startsWith("Signature=") && pair.length() > "Signature=".length()) {
                signature = true;
            }
        }
        return signature ? numbers : 0;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.kefu.ticket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.UUID;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Tenant admins import customers from CSV and XLSX and get a report per row; bad rows store nothing. */
class CustomerImportIT extends TicketItSupport {

    @Test
    void aCsvImportCreatesTheGoodRowsAndReportsTheBadOnes() {
        String csv = "\uFEFFname,contactPerson,phone,email,region,softwareVersion,portCount,purchaseDate,expiryDate,serviceProviderId\n"
                + "导入一,张,13800138001,a@example.com,浙江,v1,10,2025-01-01,2027-01-01," + providerA + "\n"
                + "导入二,李,,,,v2,-3,2025-01-01,2027-01-01," + providerA + "\n"
                + "导入三,王,,,,v2,5,2025-01-01,2024-01-01," + providerB + "\n"
                + "导入四,赵,,,,v2,5,2025-01-01,2027-01-01," + UUID.randomUUID() + "\n"
                + "\"导入,五\",钱,,,,v2,many,2025-01-01,2027-01-01," + providerB + "\n";
        JsonNode dry = upload("customers.csv", csv.getBytes(StandardCharsets.UTF_8), true, admin);
        assertThat(dry.get("created").asInt()).isEqualTo(1);
        assertThat(count()).isZero();

        JsonNode report = upload("customers.csv", csv.getBytes(StandardCharsets.UTF_8), false, admin);
        assertThat(report.get("total").asInt()).isEqualTo(5);
        assertThat(report.get("created").asInt()).isEqualTo(1);
        assertThat(report.get("failed").asInt()).isEqualTo(4);
        JsonNode rows = report.get("rows");
        assertThat(rows.get(0).get("status").asString()).isEqualTo("created");
        assertThat(rows.get(1).get("error").asString()).contains("portCount");
        assertThat(rows.get(2).get("error").asString()).contains("expiryDate");
        assertThat(rows.get(3).get("error").asString()).contains("serviceProviderId");
        assertThat(rows.get(4).get("row").asInt()).isEqualTo(6);
        assertThat(rows.get(4).get("error").asString()).contains("portCount");
        assertThat(count()).isEqualTo(1);
        assertThat(call("GET", "/api/customers?keyword=%E5%AF%BC%E5%85%A5", null, tokenA).body().get("total").asLong()).isEqualTo(1);
    }

    @Test
    void anXlsxImportReadsDateCellsAndText() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XSSFWorkbook book = new XSSFWorkbook()) {
            Sheet sheet = book.createSheet("customers");
            String[] header = {"name", "region", "portCount", "purchaseDate", "expiryDate", "serviceProviderId"};
            Row h = sheet.createRow(0);
            for (int i = 0; i < header.length; i++) {
                h.createCell(i).setCellValue(header[i]);
            }
            var dateStyle = book.createCellStyle();
            dateStyle.setDataFormat(book.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd"));
            Row r = sheet.createRow(1);
            r.createCell(0).setCellValue("表格客户");
            r.createCell(1).setCellValue("江苏");
            r.createCell(2).setCellValue(8);
            var purchase = r.createCell(3);
            purchase.setCellValue(LocalDate.of(2025, 3, 1));
            purchase.setCellStyle(dateStyle);
            r.createCell(4).setCellValue("2027-03-01");
            r.createCell(5).setCellValue(providerB.toString());
            book.write(out);
        }
        JsonNode report = upload("customers.xlsx", out.toByteArray(), false, admin);
        assertThat(report.get("created").asInt()).as(report.toString()).isEqualTo(1);
        JsonNode customer = call("GET", "/api/customers", null, tokenB).body().get("customers").get(0);
        assertThat(customer.get("purchaseDate").asString()).isEqualTo("2025-03-01");
        assertThat(customer.get("portCount").asInt()).isEqualTo(8);
        assertThat(customer.get("region").asString()).isEqualTo("江苏");
    }

    @Test
    void badFilesAndNonAdminsAreRefused() {
        assertThat(status("customers.txt", "x".getBytes(StandardCharsets.UTF_8), admin)).isEqualTo(400);
        assertThat(status("customers.xlsx", "not a zip".getBytes(StandardCharsets.UTF_8), admin)).isEqualTo(400);
        assertThat(status("customers.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), admin)).isEqualTo(400);
        assertThat(status("customers.csv", "name\n".getBytes(StandardCharsets.UTF_8), tokenA)).isEqualTo(403);
        assertThat(count()).isZero();
    }

    private long count() {
        return jdbc.queryForObject("select count(*) from client where tenant_id = ?", Long.class, tenant);
    }

    private JsonNode upload(String filename, byte[] content, boolean dryRun, String token) {
        HttpResponse<String> response = send(filename, content, dryRun, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private int status(String filename, byte[] content, String token) {
        return send(filename, content, false, token).statusCode();
    }

    private HttpResponse<String> send(String filename, byte[] content, boolean dryRun, String token) {
        String boundary = "kefu" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/customers/import?dryRun=" + dryRun))
                .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.kefu.kbai.knowledge;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.kefu.kbai.KbAiItSupport;
import io.kefu.kbai.embedding.Embedder;
import io.kefu.kbai.retrieval.KnowledgeSearch;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** CSV/XLSX/JSON imports and exports with their edge cases, on the real model and PostgreSQL. */
class KnowledgeImportIT extends KbAiItSupport {

    @Autowired
    KnowledgeSearch search;
    @Autowired
    Embedder embedder;

    final UUID tenant = UUID.randomUUID();
    final String supervisor = supervisor(tenant);

    Response upload(String name, byte[] bytes, String token) {
        String boundary = "kefu" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/api/kb/items/import"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final String CSV = """
            问题,答案,相似问题,分类,关键词
            怎么申请退款？,在订单详情页申请退款。,"退款怎么操作
            我想退款",售后,"退款,售后"
            快递几天到？,一般3-5天。,多久能收到货,物流,快递
            ,没有问题的答案,,,
            公式会被执行吗？,=1+1,=HYPERLINK("http://evil"),=cmd|' /C calc'!A0,
            """;

    @Test
    void aGbkCsvImportsGoodRowsAndReportsTheBrokenOnesAndFormulasStayText() throws Exception {
        Response r = upload("kb.csv", CSV.getBytes(Charset.forName("GBK")), supervisor);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().get("created").asInt()).isEqualTo(3);
        assertThat(r.body().get("rejected").asInt()).isEqualTo(1);
        JsonNode rejected = r.body().get("rows").get(2);
        assertThat(rejected.get("status").asString()).isEqualTo("rejected");
        assertThat(rejected.get("reason").asString()).contains("question");
        String formulaId = r.body().get("rows").get(3).get("itemId").asString();
        Response formula = call("GET", "/api/kb/items/" + formulaId, null, supervisor);
        assertThat(formula.body().get("answer").asString()).isEqualTo("=1+1");
        assertThat(formula.body().get("category").asString()).isEqualTo("=cmd|' /C calc'!A0");
        assertThat(search.search(tenant, "退款怎么操作", 3).hits().getFirst().question()).isEqualTo("怎么申请退款？");

        // Re-importing the same questions (UTF-8 with BOM this time) updates instead of duplicating.
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] utf8 = CSV.replace("一般3-5天。", "一般2-4天。").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + utf8.length];
        System.arraycopy(bom, 0, withBom, 0, 3);
        System.arraycopy(utf8, 0, withBom, 3, utf8.length);
        Response again = upload("kb.csv", withBom, supervisor);
        assertThat(again.body().get("created").asInt()).isZero();
        assertThat(again.body().get("updated").asInt()).isEqualTo(3);
        assertThat(call("GET", "/api/kb/items?pageSize=50", null, supervisor).body().get("total").asLong()).isEqualTo(3);
        assertThat(search.search(tenant, "快递几天到", 1).hits().getFirst().answer()).isEqualTo("一般2-4天。");

        // Export: formulas neutralised for spreadsheets, and the file imports back as updates.
        HttpResponse<String> export = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/api/kb/items/export?format=csv"))
                .header("Authorization", "Bearer " + supervisor).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.body()).startsWith("\uFEFFquestion,answer,similarQuestions,category,keywords");
        assertThat(export.body()).contains("'=1+1").contains("'=cmd|").doesNotContain(",=1+1");
    }

    @Test
    void anXlsxWithAFormulaCellStoresItsTextAndExportRoundTrips() throws Exception {
        byte[] xlsx;
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            XSSFSheet sheet = wb.createSheet();
            XSSFRow h = sheet.createRow(0);
            String[] header = {"question", "answer", "similarQuestions", "category", "keywords"};
            for (int i = 0; i < header.length; i++) {
                h.createCell(i).setCellValue(header[i]);
            }
            XSSFRow row = sheet.createRow(1);
            row.createCell(0).setCellValue("X200怎么连蓝牙？");
            row.createCell(1).setCellFormula("SUM(1,2)");
            row.createCell(2).setCellValue("X200蓝牙配对\nX200连不上手机");
            XSSFRow row2 = sheet.createRow(2);
            row2.createCell(0).setCellValue("会员多少钱？");
            row2.createCell(1).setCellValue("月卡15元。");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            xlsx = out.toByteArray();
        }
        Response r = upload("kb.xlsx", xlsx, supervisor);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().get("created").asInt()).isEqualTo(2);
        String id = r.body().get("rows").get(0).get("itemId").asString();
        assertThat(call("GET", "/api/kb/items/" + id, null, supervisor).body().get("answer").asString()).isEqualTo("=SUM(1,2)");
        assertThat(call("GET", "/api/kb/items/" + id, null, supervisor).body().get("similarQuestions").size()).isEqualTo(2);

        HttpResponse<byte[]> export = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/api/kb/items/export?format=xlsx"))
                .header("Authorization", "Bearer " + supervisor).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(export.statusCode()).isEqualTo(200);
        Response back = upload("export.xlsx", export.body(), supervisor);
        assertThat(back.body().get("updated").asInt()).isEqualTo(2);
    }

    @Test
    void zipBombsNonSpreadsheetsAndOversizedFilesAreRefused() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("[Content_Types].xml"));
            z.write("<Types/>".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 200; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        Response bomb = upload("bomb.xlsx", zip.toByteArray(), supervisor);
        assertThat(bomb.status()).as(bomb.body().toString()).isBetween(400, 499);
        assertThat(bomb.body().get("code").asString()).isIn("unreadable-file", "payload-too-large");

        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R', 0, 0, 1, 0};
        Response image = upload("kb.csv", png, supervisor);
        assertThat(image.status()).isEqualTo(415);
        assertThat(image.body().get("code").asString()).isEqualTo("unsupported-file");

        Response pdf = upload("kb.xlsx", "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj".getBytes(StandardCharsets.ISO_8859_1), supervisor);
        assertThat(pdf.status()).isBetween(400, 499);

        Response big = upload("big.csv", ("question,answer\n" + "问题,答案\n".repeat(400_000)).getBytes(StandardCharsets.UTF_8), supervisor);
        assertThat(big.status()).isEqualTo(413);

        Response noHeader = upload("x.csv", "a,b\nc,d\n".getBytes(StandardCharsets.UTF_8), supervisor);
        assertThat(noHeader.status()).isEqualTo(400);
        assertThat(upload("x.csv", new byte[0], supervisor).status()).isEqualTo(400);
        assertThat(upload("x.csv", CSV.getBytes(StandardCharsets.UTF_8), agent(tenant)).status()).isEqualTo(403);
        assertThat(call("GET", "/api/kb/items?pageSize=50", null, supervisor).body().get("total").asLong()).isZero();
    }

    @Test
    void anUnbalancedQuoteKeepsTheRowsBeforeItAndReportsTheRest() {
        String csv = "question,answer\n好问题？,好答案\n\"坏问题,没有结束的引号\n另一行,答案\n";
        Response r = upload("broken.csv", csv.getBytes(StandardCharsets.UTF_8), supervisor);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().get("created").asInt()).isEqualTo(1);
        assertThat(r.body().get("rejected").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void bulkJsonCreatesUpdatesAndRejectsRowByRow() {
        List<Object> items = new ArrayList<>();
        items.add(Map.of("question", "积分怎么用？", "answer", "下单时抵扣。", "similarQuestions", List.of("积分能抵钱吗"), "keywords", List.of("积分")));
        items.add(Map.of("question", "", "answer", "无问题"));
        items.add(Map.of("question", "积分怎么用", "answer", "重复"));
        Response r = call("POST", "/api/kb/items/bulk", items, supervisor);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().get("created").asInt()).isEqualTo(1);
        assertThat(r.body().get("rejected").asInt()).isEqualTo(2);
        assertThat(r.body().get("rows").get(2).get("reason").asString()).contains("row 1");
        Response again = call("POST", "/api/kb/items/bulk", List.of(Map.of("question", "积分怎么用？", "answer", "100积分抵1元。")), supervisor);
        assertThat(again.body().get("updated").asInt()).isEqualTo(1);
        assertThat(search.search(tenant, "积分怎么用", 1).hits().getFirst().answer()).isEqualTo("100积分抵1元。");
        assertThat(call("POST", "/api/kb/items/bulk", List.of(), supervisor).status()).isEqualTo(400);
        assertThat(call("POST", "/api/kb/items/bulk", "{\"question\":\"x\"}", supervisor).status()).isEqualTo(400);
        List<Map<String, String>> tooMany = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(Map.of("question", "q" + i, "answer", "a"));
        }
        assertThat(call("POST", "/api/kb/items/bulk", tooMany, supervisor).status()).isEqualTo(400);
    }

    @Test
    void aReImportEmbedsOnlyPhrasingsItHasNoVectorForAndSearchStillFindsThem() {
        List<Map<String, Object>> rows = List.of(
                Map.of("question", "发票怎么开？", "answer", "在订单页申请。", "similarQuestions", List.of("能开发票吗", "开票流程")),
                Map.of("question", "支持分期吗？", "answer", "支持花呗分期。", "similarQuestions", List.of("能分期付款吗")));
        long before = embedder.textsEmbedded();
        assertThat(call("POST", "/api/kb/items/bulk", rows, supervisor).body().get("created").asInt()).isEqualTo(2);
        assertThat(embedder.textsEmbedded() - before).isEqualTo(5);

        // the same phrasings, new answers: no model run
        before = embedder.textsEmbedded();
        Response same = call("POST", "/api/kb/items/bulk", List.of(
                Map.of("question", "发票怎么开？", "answer", "在订单页点“申请开票”。", "similarQuestions", List.of("能开发票吗", "开票流程")),
                Map.of("question", "支持分期吗？", "answer", "支持花呗和信用卡分期。", "similarQuestions", List.of("能分期付款吗"))), supervisor);
        assertThat(same.body().get("updated").asInt()).isEqualTo(2);
        assertThat(embedder.textsEmbedded() - before).isZero();

        // one new phrasing (and one shared by both rows): only it is embedded, once
        before = embedder.textsEmbedded();
        call("POST", "/api/kb/items/bulk", List.of(
                Map.of("question", "发票怎么开？", "answer", "在订单页点“申请开票”。", "similarQuestions", List.of("能开发票吗", "增值税专票怎么开")),
                Map.of("question", "支持分期吗？", "answer", "支持花呗和信用卡分期。", "similarQuestions", List.of("增值税专票怎么开"))), supervisor);
        assertThat(embedder.textsEmbedded() - before).isEqualTo(1);
        assertThat(search.search(tenant, "增值税专票怎么开", 1).hits().getFirst().answer()).isIn("在订单页点“申请开票”。", "支持花呗和信用卡分期。");
        assertThat(search.search(tenant, "能开发票吗", 1).hits().getFirst().answer()).isEqualTo("在订单页点“申请开票”。");
    }

    @Test
    void blankHugeEmojiAndScriptRowsOfAnImportAreJudgedRowByRowAndNothingIsHalfStored() {
        String csv = "问题,答案\n   ,空白问题的答案\n" + "退".repeat(10_000) + ",超长问题的答案\n退款😀refund怎么弄？,<script>alert(1)</script>\n只有问题没有答案,\n";
        Response report = upload("odd.csv", csv.getBytes(StandardCharsets.UTF_8), supervisor);
        assertThat(report.status()).as(report.body().toString()).isEqualTo(200);
        assertThat(report.body().get("created").asInt()).isEqualTo(1);
        assertThat(report.body().get("rejected").asInt()).isEqualTo(3);
        for (JsonNode row : report.body().get("rows")) {
            if ("rejected".equals(row.path("status").asString())) {
                assertThat(row.path("reason").asString()).as(row.toString()).isNotBlank();
            }
        }
        assertThat(jdbc.queryForList("select answer from kb_item where tenant_id = ?", String.class, tenant))
                .containsExactly("<script>alert(1)</script>");

        // the same rows as bulk JSON: the good one updates, the others are rejected again, nothing else is stored
        List<Map<String, String>> rows = List.of(Map.of("question", "   ", "answer", "空白"), Map.of("question", "退".repeat(10_000), "answer", "长"),
                Map.of("question", "退款😀refund怎么弄？", "answer", "<b>仍是文本</b>"), Map.of("question", "只有问题没有答案", "answer", ""));
        Response bulk = call("POST", "/api/kb/items/bulk", rows, supervisor);
        assertThat(bulk.status()).as(bulk.body().toString()).isEqualTo(200);
        assertThat(bulk.body().get("updated").asInt()).isEqualTo(1);
        assertThat(bulk.body().get("rejected").asInt()).isEqualTo(3);
        assertThat(jdbc.queryForList("select answer from kb_item where tenant_id = ?", String.class, tenant)).containsExactly("<b>仍是文本</b>");

        // an empty file is a clear 4xx, not a 500 and not an empty success
        assertThat(upload("empty.csv", new byte[0], supervisor).status()).isBetween(400, 499);
    }
}

package io.kefu.push.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.kefu.push.PushItSupport;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

/** Email through a real SMTP server (GreenMail on the port the shared test context points spring.mail at). */
class EmailSenderIT extends PushItSupport {

    @Test
    void anHtmlAndTextEmailReachesTheSmtpServer() throws Exception {
        UUID tenant = UUID.randomUUID();
        String admin = admin(tenant);
        UUID template = template(admin, Map.of("name", "welcome", "channel", "email", "title", "欢迎 {{name}}",
                "content", "<p>您好 {{name}}，</p><p>订单 <b>{{order_no}}</b> 已确认</p>"));
        Response accepted = call("POST", "/api/messages/send", Map.of("template_id", template, "recipient", "li.si@example.com",
                "variables", Map.of("name", "<李四>", "order_no", "A-1")), admin);
        assertThat(accepted.status()).isEqualTo(202);
        UUID id = UUID.fromString(accepted.body().path("messageId").asString());
        await("sent", Duration.ofMinutes(2), () -> "sent".equals(status(id)));

        MimeMessage mail = java.util.Arrays.stream(SMTP.getReceivedMessages())
                .filter(m -> header(m, "X-Kefu-Message-Id").equals(id.toString())).findFirst().orElseThrow();
        assertThat(mail.getSubject()).isEqualTo("欢迎 <李四>");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("li.si@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("noreply@kefu.test");
        String body = GreenMailUtil.getBody(mail);
        assertThat(mail.getContent()).isInstanceOf(MimeMultipart.class);
        assertThat(body).contains("text/plain").contains("text/html");
        assertThat(EmailSender.text("<p>您好 &lt;李四&gt;，</p><p>订单 <b>A-1</b> 已确认</p>")).isEqualTo("您好 <李四>，\n订单 A-1 已确认");
    }

    @Test
    void aMalformedAddressIsRejectedBeforeAnythingIsStored() {
        UUID tenant = UUID.randomUUID();
        String admin = admin(tenant);
        UUID template = template(admin, Map.of("name", "plain", "channel", "email", "content", "hi {{name}}"));
        Response batch = call("POST", "/api/messages/send-batch", Map.of("template_id", template,
                "recipients", java.util.List.of("a@example.com", "not-an-email", "b@exa mple.com"), "variables", Map.of("name", "x")), admin);
        assertThat(batch.status()).isEqualTo(202);
        assertThat(batch.body().path("accepted").asInt()).isEqualTo(1);
        assertThat(batch.body().path("rejections").toString()).contains("not an email address");
    }

    private static String header(MimeMessage m, String name) {
        try {
            String[] values = m.getHeader(name);
            return values == null ? "" : values[0];
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }

    static final GreenMail SMTP = new GreenMail(new ServerSetup(PushItSupport.SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    static {
        SMTP.start();
        Runtime.getRuntime().addShutdownHook(new Thread(SMTP::stop));
    }
}

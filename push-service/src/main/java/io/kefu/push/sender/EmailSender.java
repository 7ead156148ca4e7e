package io.kefu.push.sender;

import java.util.Map;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.kefu.push.template.TemplateText;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * Email over SMTP through Spring's mail support (Jakarta Mail): the template's title is the subject,
 * its content the HTML part (values HTML-escaped) and a plain-text part derived from it. The SMTP
 * server is Spring's {@code spring.mail.*} (env {@code KEFU_PUSH_MAIL_*}); without a host the channel is unconfigured.
 */
@Component
class EmailSender implements Sender {

    private final ObjectProvider<JavaMailSender> mail;
    private final LiveProperties<SenderProperties> properties;

    EmailSender(ObjectProvider<JavaMailSender> mail, LiveProperties<SenderProperties> properties) {
        this.mail = mail;
        this.properties = properties;
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public @Nullable String kind() {
        return null;
    }

    @Override
    public String provider() {
        return "smtp";
    }

    @Override
    public @Nullable String unconfigured(Outgoing message) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null || sender instanceof org.springframework.mail.javamail.JavaMailSenderImpl impl
                && (impl.getHost() == null || impl.getHost().isBlank())) {
            return "email channel not configured: set spring.mail.host (KEFU_PUSH_MAIL_HOST)";
        }
        return properties.get().email().from().isBlank() ? "email channel not configured: set kefu.push.senders.email.from (KEFU_PUSH_MAIL_FROM)"
                : null;
    }

    @Override
    public SendOutcome send(Outgoing message) {
        JavaMailSender sender = mail.getObject();
        Map<String, String> values = message.variables();
        String html = TemplateText.render(message.template().content(), values, TemplateText::html);
        String subject = message.template().title() == null ? message.template().name()
                : TemplateText.render(message.template().title(), values);
        try {
            MimeMessage mime = sender.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(mime, true, "UTF-8");
            helper.setFrom(properties.get().email().from());
            helper.setTo(message.recipient());
            helper.setSubject(subject.replace('\r', ' ').replace('\n', ' '));
            helper.setText(text(html), html);
            mime.setHeader("X-Kefu-Message-Id", message.messageId().toString());
            sender.send(mime);
            return new SendOutcome.Sent(mime.getMessageID(), "250 accepted");
        } catch (MailAuthenticationException | MailParseException | MailPreparationException e) {
            return new SendOutcome.Failed("smtp: " + e.getMessage());
        } catch (MailSendException e) {
            String text = String.valueOf(e.getMessage());
            // 5xx SMTP replies are permanent (unknown mailbox, refused); connection trouble and 4xx are worth retrying.
            return text.matches("(?s).*\\b5\\d\\d\\b.*") ? new SendOutcome.Failed("smtp: " + SendOutcome.excerpt(text))
                    : new SendOutcome.Retry("smtp: " + SendOutcome.excerpt(text), null);
        } catch (MailException e) {
            return new SendOutcome.Retry("smtp: " + SendOutcome.excerpt(e.getMessage()), null);
        } catch (MessagingException e) {
            return new SendOutcome.Failed("email: " + e.getMessage());
        }
    }

    /** A readable plain-text part: line breaks for blocks, tags removed, the common entities decoded. */
    static String text(String html) {
        return html.replaceAll("(?i)<br\\s*/?>|</p>|</div>|</li>|</h[1-6]>", "\n").replaceAll("<[^>]*>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&").strip();
    }
}

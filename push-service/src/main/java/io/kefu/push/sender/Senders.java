package io.kefu.push.sender;

import java.util.List;

import io.kefu.common.config.LiveProperties;
import io.kefu.push.template.Channel;
import io.kefu.push.template.Template;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Finds the sender for a template: by channel, kind and (SMS) provider, the template's own or the configured default. */
@Component
public class Senders {

    private final List<Sender> senders;
    private final LiveProperties<SenderProperties> properties;

    Senders(List<Sender> senders, LiveProperties<SenderProperties> properties) {
        this.senders = senders;
        this.properties = properties;
    }

    public @Nullable Sender of(Template template) {
        String provider = template.channel() == Channel.SMS
                ? (template.provider() != null ? template.provider() : properties.get().smsDefaultProvider()) : null;
        for (Sender sender : senders) {
            if (sender.channel() == template.channel() && (sender.kind() == null || sender.kind().equals(template.kind()))
                    && (provider == null || provider.equals(sender.provider()))) {
                return sender;
            }
        }
        return null;
    }

    public boolean allowPrivateUrls() {
        return properties.get().allowPrivateUrls();
    }
}

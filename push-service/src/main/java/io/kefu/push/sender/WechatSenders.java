package io.kefu.push.sender;

import java.util.Map;

import cn.binarywang.wx.miniapp.bean.WxMaSubscribeMessage;
import io.kefu.common.config.LiveProperties;
import io.kefu.push.subscription.Subscriptions;
import io.kefu.push.template.Channel;
import io.kefu.push.template.TemplateText;
import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.cp.bean.message.WxCpMessage;
import me.chanjar.weixin.cp.bean.message.WxCpMessageSendResult;
import me.chanjar.weixin.mp.api.WxMpService;
import me.chanjar.weixin.mp.bean.template.WxMpTemplateData;
import me.chanjar.weixin.mp.bean.template.WxMpTemplateMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The three WeChat senders: OA template messages, WeCom app messages, mini-program subscribe messages. */
@Configuration(proxyBeanMethods = false)
class WechatSenders {

    @Bean
    Sender wechatTemplateSender(WechatClients clients, LiveProperties<SenderProperties> properties) {
        return new Base(Channel.WECHAT, "template", "wechat-mp") {
            @Override
            public @Nullable String unconfigured(Outgoing message) {
                return properties.get().wechat().mpAppId().isBlank()
                        ? "WeChat OA not configured: set kefu.push.senders.wechat.mp-app-id (KEFU_PUSH_WECHAT_MP_APP_ID)" : null;
            }

            @Override
            public SendOutcome send(Outgoing message) {
                WxMpService mp = clients.mp();
                if (mp.getWxMpConfigStorage().isAccessTokenExpired()) {
                    return new SendOutcome.Retry("no valid OA access token in Redis yet (chat-service keeps it)", null);
                }
                WxMpTemplateMessage msg = WxMpTemplateMessage.builder().toUser(message.recipient())
                        .templateId(message.template().providerTemplateId()).build();
                String page = message.template().page();
                if (page != null && page.startsWith("https://")) {
                    msg.setUrl(page);
                }
                WechatData.fields(message.template().content(), message.variables()).forEach((k, v) -> msg.addData(new WxMpTemplateData(k, v)));
                try {
                    String msgId = mp.getTemplateMsgService().sendTemplateMsg(msg);
                    return new SendOutcome.Sent(msgId, "msgid " + msgId);
                } catch (WxErrorException e) {
                    return WechatClients.failure("wechat template", e);
                }
            }
        };
    }

    @Bean
    Sender wecomAppSender(WechatClients clients, LiveProperties<SenderProperties> properties) {
        return new Base(Channel.WECHAT, "wecom", "wecom") {
            @Override
            public @Nullable String unconfigured(Outgoing message) {
                SenderProperties.Wechat w = properties.get().wechat();
                return w.wecomCorpId().isBlank() || w.wecomAgentId() == 0
                        ? "WeCom app not configured: set kefu.push.senders.wechat.wecom-corp-id and wecom-agent-id" : null;
            }

            @Override
            public String account(Outgoing message) {
                return properties.get().wechat().wecomCorpId();
            }

            @Override
            public SendOutcome send(Outgoing message) {
                var cp = clients.cp();
                if (cp.getWxCpConfigStorage().isAccessTokenExpired()) {
                    return new SendOutcome.Retry("no valid WeCom access token in Redis yet (chat-service keeps it)", null);
                }
                WxCpMessage msg = WxCpMessage.TEXT().agentId(properties.get().wechat().wecomAgentId()).toUser(message.recipient())
                        .content(TemplateText.render(message.template().content(), message.variables())).build();
                try {
                    WxCpMessageSendResult result = cp.getMessageService().send(msg);
                    if (result.getInvalidUserList() != null && !result.getInvalidUserList().isEmpty()) {
                        return new SendOutcome.Failed("wecom: invalid user " + result.getInvalidUser());
                    }
                    return new SendOutcome.Sent(result.getMsgId(), "msgid " + result.getMsgId());
                } catch (WxErrorException e) {
                    return WechatClients.failure("wecom", e);
                }
            }
        };
    }

    @Bean
    Sender miniappSubscribeSender(WechatClients clients, LiveProperties<SenderProperties> properties, Subscriptions subscriptions) {
        return new Base(Channel.WECHAT, "subscribe", "wechat-miniapp") {
            @Override
            public @Nullable String unconfigured(Outgoing message) {
                SenderProperties.Wechat w = properties.get().wechat();
                return w.miniappId().isBlank() || w.miniappSecret().isBlank()
                        ? "mini-program not configured: set kefu.push.senders.wechat.miniapp-id and miniapp-secret" : null;
            }

            @Override
            public SendOutcome send(Outgoing message) {
                WxMaSubscribeMessage msg = new WxMaSubscribeMessage();
                msg.setToUser(message.recipient());
                msg.setTemplateId(message.template().providerTemplateId());
                if (message.template().page() != null) {
                    msg.setPage(message.template().page());
                }
                for (Map.Entry<String, String> field : WechatData.fields(message.template().content(), message.variables()).entrySet()) {
                    msg.addData(new WxMaSubscribeMessage.MsgData().setName(field.getKey()).setValue(field.getValue()));
                }
                // One authorisation allows one message: take one before the call (a single conditional update), give it
                // back if the call fails; a crash in between leaves it used, never used twice.
                if (!subscriptions.take(message.tenantId(), message.recipient(), message.template().providerTemplateId(), message.messageId())) {
                    return new SendOutcome.Failed("no subscribe authorisation of " + message.recipient() + " for template "
                            + message.template().providerTemplateId() + " left");
                }
                try {
                    clients.ma().getMsgService().sendSubscribeMsg(msg);
                    return new SendOutcome.Sent(null, "ok");
                } catch (WxErrorException e) {
                    // 43101: WeChat says the user has no authorisation left; ours is spent too.
                    if (e.getError() == null || e.getError().getErrorCode() != 43101) {
                        subscriptions.giveBack(message.messageId());
                    }
                    return WechatClients.failure("subscribe", e);
                } catch (RuntimeException e) {
                    subscriptions.giveBack(message.messageId());
                    throw e;
                }
            }
        };
    }

    abstract static class Base implements Sender {
        private final Channel channel;
        private final String kind;
        private final String provider;

        Base(Channel channel, String kind, String provider) {
            this.channel = channel;
            this.kind = kind;
            this.provider = provider;
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public String provider() {
            return provider;
        }
    }
}

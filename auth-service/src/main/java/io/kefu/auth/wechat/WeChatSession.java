package io.kefu.auth.wechat;

import org.jspecify.annotations.Nullable;

/** What jscode2session tells about the person behind a mini-program login code. The session key stays here. */
public record WeChatSession(String openid, @Nullable String unionid) {
}

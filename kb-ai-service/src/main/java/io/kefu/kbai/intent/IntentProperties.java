package io.kefu.kbai.intent;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kefu.kbai.intent.*}, hot. Keywords win over categories (a customer who says 投诉 complains,
 * whatever the best item's category); a KB item's category names the intent when it contains one of
 * the category words.
 */
@Validated
@ConfigurationProperties("kefu.kbai.intent")
public record IntentProperties(
        @DefaultValue({"转人工", "人工客服", "人工服务", "真人", "找客服", "找人工"}) @NotNull List<String> humanKeywords,
        @DefaultValue({"投诉", "举报", "差评", "欺诈", "骗子", "12315"}) @NotNull List<String> complaintKeywords,
        @DefaultValue({"退货", "退款", "换货", "维修", "坏了", "故障", "售后", "保修", "发票", "没收到", "物流", "快递"}) @NotNull
        List<String> aftersaleKeywords,
        @DefaultValue({"价格", "多少钱", "优惠", "折扣", "库存", "有货", "购买", "下单", "试用", "报价", "功能"}) @NotNull List<String> presaleKeywords,
        @DefaultValue({"售前", "presale", "产品", "价格", "购买"}) @NotNull List<String> presaleCategories,
        @DefaultValue({"售后", "aftersale", "退换", "维修", "物流", "发票"}) @NotNull List<String> aftersaleCategories) {
}

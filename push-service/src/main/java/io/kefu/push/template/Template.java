package io.kefu.push.template;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Persistable;

/**
 * A tenant's message template: its channel and kind, the text with {@code {{variables}}} (the declared
 * variables are the placeholders of title and content), and what the platform needs besides the text
 * (a WeChat template/subscribe id, an SMS template code and signature).
 */
@Entity
@Table(name = "template")
public class Template implements Persistable<UUID> {

    @Transient
    private boolean fresh = true;

    @Id
    private UUID id;
    private UUID tenantId;
    private String name;
    @Enumerated(EnumType.STRING)
    @Column(columnDefinition = "varchar(16)")
    private Channel channel;
    private String kind;
    private String title;
    private String content;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    private String[] variables;
    @Enumerated(EnumType.STRING)
    @Column(columnDefinition = "varchar(16)")
    private TemplateStatus status;
    private String provider;
    private String providerTemplateId;
    private String smsSign;
    private String page;
    @Version
    private long version;
    private Instant createdAt;
    private Instant updatedAt;

    protected Template() {
    }

    public Template(UUID id, UUID tenantId, Spec spec, Instant now) {
        this.id = id;
        this.tenantId = tenantId;
        this.createdAt = now;
        apply(spec, now);
    }

    /** What an admin sets; checked by {@link TemplateRules} before it gets here. */
    public record Spec(String name, Channel channel, String kind, @Nullable String title, String content, TemplateStatus status,
            @Nullable String provider, @Nullable String providerTemplateId, @Nullable String smsSign, @Nullable String page) {
    }

    public void change(Spec spec, Instant now) {
        apply(spec, now);
    }

    private void apply(Spec spec, Instant now) {
        this.name = spec.name();
        this.channel = spec.channel();
        this.kind = spec.kind();
        this.title = spec.title();
        this.content = spec.content();
        this.variables = TemplateText.declared(spec.title(), spec.content()).toArray(String[]::new);
        this.status = spec.status();
        this.provider = spec.provider();
        this.providerTemplateId = spec.providerTemplateId();
        this.smsSign = spec.smsSign();
        this.page = spec.page();
        this.updatedAt = now;
    }

    public boolean active() {
        return status == TemplateStatus.ACTIVE;
    }

    public UUID id() {
        return id;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public String name() {
        return name;
    }

    public Channel channel() {
        return channel;
    }

    public String kind() {
        return kind;
    }

    public @Nullable String title() {
        return title;
    }

    public String content() {
        return content;
    }

    public List<String> variables() {
        return List.of(variables);
    }

    public TemplateStatus status() {
        return status;
    }

    public @Nullable String provider() {
        return provider;
    }

    public @Nullable String providerTemplateId() {
        return providerTemplateId;
    }

    public @Nullable String smsSign() {
        return smsSign;
    }

    public @Nullable String page() {
        return page;
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return fresh;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        fresh = false;
    }
}

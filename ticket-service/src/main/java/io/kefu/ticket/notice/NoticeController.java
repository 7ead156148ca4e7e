package io.kefu.ticket.notice;

import java.util.Map;
import java.util.UUID;

import io.kefu.ticket.notice.Notices.MessagePage;
import io.kefu.ticket.notice.Notices.MessageView;
import io.kefu.ticket.provider.Caller;
import io.kefu.ticket.provider.Inputs.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 004 §3.4: the provider's message center. {@code /api/messages/send*}, {@code /traces/**} and
 * {@code /statistics/**} are push-service's and never reach this service (the gateway routes them there).
 */
@RestController
@RequestMapping("/api/messages")
@Tag(name = "messages", description = "provider: message center")
class NoticeController {

    private final Notices notices;

    NoticeController(Notices notices) {
        this.notices = notices;
    }

    @GetMapping
    @Operation(summary = "The provider's messages, newest first (type, readStatus filters; page, or after a cursor)")
    MessagePage list(@RequestParam(required = false) Integer page, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String type, @RequestParam(required = false) String readStatus, @RequestParam(required = false) String after) {
        return notices.list(Caller.require(), type, readStatus, Paging.of(page, pageSize, after));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One message")
    MessageView get(@PathVariable UUID id) {
        return notices.get(Caller.require(), id);
    }

    @PostMapping("/{id}/read")
    @Operation(summary = "Mark a message read")
    Map<String, Object> read(@PathVariable UUID id) {
        notices.read(Caller.require(), id);
        return Map.of("success", true);
    }

    @PostMapping("/read-all")
    @Operation(summary = "Mark every message of the provider read")
    Map<String, Object> readAll() {
        return Map.of("success", true, "updated", notices.readAll(Caller.require()));
    }
}

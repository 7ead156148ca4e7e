package io.kefu.ticket;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who sees and changes what: provider A never reaches provider B's customers, tickets or messages —
 * by id, by list filter, by search — nor anything of another tenant; a chat customer only their own
 * tickets; staff all of their tenant's and nothing of another's.
 */
class AuthorizationMatrixIT extends TicketItSupport {

    @Test
    void providersSeeOnlyTheirOwnCustomersTicketsAndMessages() {
        UUID mineA = customerOf(providerA, "甲独有客户");
        UUID mineB = customerOf(providerB, "乙独有客户");
        UUID ticketA = ticket(tokenA, mineA, "甲的工单");
        UUID ticketB = ticket(tokenB, mineB, "乙的工单");
        call("POST", "/api/tickets/" + ticketB + "/reply", Map.of("content", "客服回复"), agent); // a message for B
        String messageB = call("GET", "/api/messages", null, tokenB).body().get("messages").get(0).get("id").asString();

        // by id: 404, never 403 (ids of others are not confirmed)
        for (String path : List.of("/api/customers/" + mineB, "/api/customers/" + mineB + "/tickets", "/api/customers/" + mineB + "/usage-score",
                "/api/tickets/" + ticketB, "/api/messages/" + messageB)) {
            assertThat(call("GET", path, null, tokenA).status()).as(path).isEqualTo(404);
        }
        for (String path : List.of("/api/tickets/" + ticketB + "/reply", "/api/tickets/" + ticketB + "/resolve",
                "/api/tickets/" + ticketB + "/escalate", "/api/messages/" + messageB + "/read")) {
            Response r = call("POST", path, Map.of("content", "x", "reason", "x"), tokenA);
            assertThat(r.status()).as(path).isEqualTo(404);
        }
        assertThat(call("POST", "/api/tickets", Map.of("customerId", mineB.toString(), "title", "t", "content", "c", "type", "complaint"),
                tokenA).status()).isEqualTo(404);
        // by list filter and search
        assertThat(ids(call("GET", "/api/customers?pageSize=100", null, tokenA), "customers")).contains(mineA.toString())
                .doesNotContain(mineB.toString());
        assertThat(call("GET", "/api/customers?keyword=%E4%B9%99", null, tokenA).body().get("total").asLong()).isZero();
        assertThat(call("GET", "/api/tickets?customerId=" + mineB, null, tokenA).body().get("total").asLong()).isZero();
        assertThat(call("GET", "/api/tickets?keyword=%E4%B9%99", null, tokenA).body().get("total").asLong()).isZero();
        assertThat(ids(call("GET", "/api/tickets?pageSize=100", null, tokenA), "tickets")).containsExactly(ticketA.toString());
        // read-all touches only A's messages
        call("POST", "/api/messages/read-all", null, tokenA);
        assertThat(call("GET", "/api/messages/" + messageB, null, tokenB).body().get("readStatus").asString()).isEqualTo("unread");
        // nothing of B changed
        assertThat(call("GET", "/api/tickets/" + ticketB, null, tokenB).body().get("processingHistory").size()).isEqualTo(2);
        assertThat(call("GET", "/api/home", null, tokenA).body().get("customers").asLong()).isEqualTo(1);
    }

    @Test
    void nothingCrossesTenants() {
        UUID mine = customerOf(providerA, "本租户客户");
        UUID ticket = ticket(tokenA, mine, "本租户工单");
        UUID otherTenant = UUID.randomUUID();
        String otherAdmin = staff(otherTenant, "admin", "supervisor", "agent");
        String sameIdOtherTenant = provider(providerA, otherTenant); // even the same provider id under another tenant
        for (String token : List.of(otherAdmin, sameIdOtherTenant)) {
            assertThat(call("GET", "/api/customers/" + mine, null, token).status()).isEqualTo(404);
            assertThat(call("GET", "/api/tickets/" + ticket, null, token).status()).isEqualTo(404);
            assertThat(call("POST", "/api/tickets/" + ticket + "/resolve", Map.of(), token).status()).isEqualTo(404);
            assertThat(call("GET", "/api/customers", null, token).body().get("total").asLong()).isZero();
            assertThat(call("GET", "/api/tickets", null, token).body().get("total").asLong()).isZero();
        }
        assertThat(call("PUT", "/api/customers/" + mine, customerBody(providerA, "改名"), otherAdmin).status()).isIn(400, 404);
        assertThat(call("GET", "/api/customers/" + mine, null, tokenA).body().get("name").asString()).isEqualTo("本租户客户");
    }

    @Test
    void chatCustomersSeeOnlyTheirOwnTicketsAndNoCustomerRecords() {
        UUID me = UUID.randomUUID();
        String token = customer(me, tenant);
        UUID providerTicket = ticket(tokenA, customerOf(providerA, "客户不可见"), "客户不可见");
        assertThat(call("GET", "/api/tickets/" + providerTicket, null, token).status()).isEqualTo(404);
        assertThat(call("POST", "/api/tickets/" + providerTicket + "/reply", Map.of("content", "x"), token).status()).isEqualTo(404);
        assertThat(call("GET", "/api/customers", null, token).status()).isEqualTo(403);
        assertThat(call("GET", "/api/messages", null, token).status()).isEqualTo(403);
        assertThat(call("GET", "/api/home", null, token).status()).isEqualTo(403);
        assertThat(call("GET", "/api/tickets", null, token).body().get("total").asLong()).isZero();
        // staff see every ticket of their tenant, but have no message center
        assertThat(call("GET", "/api/tickets/" + providerTicket, null, agent).status()).isEqualTo(200);
        assertThat(call("GET", "/api/messages", null, agent).status()).isEqualTo(403);
        // no token, or a superadmin token without a tenant
        assertThat(call("GET", "/api/tickets", null, null).status()).isEqualTo(401);
        String superadmin = io.kefu.testsupport.TestTokens.token(UUID.randomUUID().toString(), null, "superadmin", List.of("superadmin"));
        assertThat(call("GET", "/api/tickets", null, superadmin).status()).isEqualTo(403);
    }

    private static List<String> ids(Response r, String field) {
        assertThat(r.status()).isEqualTo(200);
        return r.body().get(field).valueStream().map(n -> n.get("id").asString()).toList();
    }
}

package io.kefu.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** Which address an anonymous client is limited by, with and without trusted proxies. */
class ClientKeyResolverTest {

    @Test
    void withoutTrustedProxiesForwardedForIsIgnored() {
        MockServerHttpRequest request = from("203.0.113.7").header("X-Forwarded-For", "198.51.100.1").build();

        assertThat(ClientKeyResolver.clientAddress(request, List.of())).isEqualTo("203.0.113.7");
    }

    @Test
    void aTrustedProxysLastHopIsTheClient() {
        MockServerHttpRequest request = from("10.0.0.5").header("X-Forwarded-For", "1.1.1.1, 198.51.100.1").build();

        assertThat(ClientKeyResolver.clientAddress(request, List.of("10.0.0.0/8"))).isEqualTo("198.51.100.1");
    }

    @Test
    void chainsOfTrustedProxiesAreWalkedFromTheRight() {
        MockServerHttpRequest request = from("10.0.0.5").header("X-Forwarded-For", "1.1.1.1, 198.51.100.1, 10.1.2.3").build();

        assertThat(ClientKeyResolver.clientAddress(request, List.of("10.0.0.0/8"))).isEqualTo("198.51.100.1");
    }

    @Test
    void anUntrustedPeerCannotChooseItsBucket() {
        MockServerHttpRequest request = from("198.51.100.9").header("X-Forwarded-For", "1.2.3.4").build();

        assertThat(ClientKeyResolver.clientAddress(request, List.of("10.0.0.0/8"))).isEqualTo("198.51.100.9");
    }

    @Test
    void hostNamesInForwardedForAreNeverTrustedOrResolved() {
        MockServerHttpRequest request = from("10.0.0.5").header("X-Forwarded-For", "203.0.113.1, proxy.example").build();

        assertThat(ClientKeyResolver.clientAddress(request, List.of("10.0.0.0/8", "proxy.example"))).isEqualTo("proxy.example");
    }

    private static MockServerHttpRequest.BaseBuilder<?> from(String ip) {
        return MockServerHttpRequest.get("/api/auth/login").remoteAddress(new InetSocketAddress(ip, 40000));
    }
}

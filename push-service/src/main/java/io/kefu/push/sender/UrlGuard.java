package io.kefu.push.sender;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import org.jspecify.annotations.Nullable;

/**
 * Keeps requests away from the service's own network (SSRF): a URL a template or a request carries
 * (a Feishu bot webhook) must be https on a public address. {@code allowPrivate} (tests, a lab) lets
 * http and loopback/private addresses through so WireMock on 127.0.0.1 can play the provider.
 */
public final class UrlGuard {

    private UrlGuard() {
    }

    /** Null when {@code url} may be requested; otherwise why not. Resolves the host (so a name for 10.0.0.1 is refused too). */
    public static @Nullable String problem(@Nullable String url, boolean allowPrivate) {
        if (url == null || url.isBlank()) {
            return "no URL";
        }
        if (url.length() > 1000 || url.indexOf('\0') >= 0) {
            return "URL too long or malformed";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return "malformed URL";
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("https") || allowPrivate && scheme.equals("http"))) {
            return "URL must be https";
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "URL needs a host and no user info";
        }
        if (allowPrivate) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                if (isPrivate(address)) {
                    return "URL points to a private or local address";
                }
            }
        } catch (UnknownHostException e) {
            return "unknown host " + uri.getHost();
        }
        return null;
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first == 100 && second >= 64 && second < 128 // carrier-grade NAT
                    || first == 192 && second == 0 && (b[2] & 0xff) == 0 || first >= 240 || first == 198 && (second == 18 || second == 19);
        }
        if (address instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return false;
    }
}

package io.regcache.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Map;

/** A bare HttpServletRequest for unit tests: remote address, headers, and the URL's parts. */
final class FakeRequest {
    private FakeRequest() {
    }

    static HttpServletRequest of(String remoteAddr, Map<String, String> headers) {
        return of(remoteAddr, headers, "http", "mirror.internal", 8080);
    }

    static HttpServletRequest of(String remoteAddr, Map<String, String> headers, String scheme, String host, int port) {
        return (HttpServletRequest) Proxy.newProxyInstance(FakeRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr" -> remoteAddr;
                    case "getHeader" -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                    case "getScheme" -> scheme;
                    case "getServerName" -> host;
                    case "getServerPort" -> port;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}

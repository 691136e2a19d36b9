import HTTPTypes
import Hummingbird

/// Without API keys the API trusts whoever reaches it — and a web page the trader opens reaches 127.0.0.1 too.
/// So, in that mode, a request is refused (403) when it carries an `Origin` other than a loopback one (a page of
/// another site posting an order or a cancel: cross-site request forgery), or when its `Host` is a domain name
/// other than `localhost` (DNS rebinding: the attacker's own name made to resolve to 127.0.0.1, which would let
/// its page read the answers). IP-literal hosts pass (`curl http://10.0.0.5:8080/…` when bound wider); tools that
/// send no `Origin` (curl, `trader-cli`) are not affected.
public struct LocalOnlyMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        if let origin = request.headers[.origin], !Self.isLoopbackOrigin(origin),
           !Self.isSameOrigin(origin, host: request.head.authority) {
            throw APIError(.forbidden, code: "CROSS_ORIGIN",
                           message: "requests from web pages of other origins (\(origin.prefix(100))) are refused without API keys; set VEGA_API_KEYS to serve them")
        }
        if let host = request.head.authority, !Self.isAllowedHost(host) {
            throw APIError(.forbidden, code: "BAD_HOST",
                           message: "Host `\(host.prefix(100))` is not this server's (without API keys only localhost and IP addresses are served)")
        }
        return try await next(request, context)
    }

    /// `http(s)://localhost|127.0.0.1|[::1][:port]`.
    public static func isLoopbackOrigin(_ origin: String) -> Bool {
        let lower = origin.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            return isLoopbackName(hostPart(String(lower.dropFirst(scheme.count))))
        }
        return false
    }

    /// A page this server served under the name the request is for (the dashboard opened at
    /// `http://10.0.0.5:8080/` with `--http-host 10.0.0.5`): its Origin is `scheme://` + the request's Host.
    /// A page of another site cannot send that Origin, and a foreign host name is refused as `BAD_HOST` anyway.
    public static func isSameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host, !host.isEmpty else { return false }
        let lower = origin.lowercased(), h = host.lowercased()
        return lower == "http://" + h || lower == "https://" + h
    }

    public static func isAllowedHost(_ host: String) -> Bool {
        let name = hostPart(host.lowercased())
        return isLoopbackName(name) || isIPLiteral(name)
    }

    /// `name[:port]` or `[v6][:port]` → the name (brackets kept for IPv6).
    static func hostPart(_ s: String) -> String {
        if s.hasPrefix("["), let end = s.firstIndex(of: "]") { return String(s[...end]) }
        return String(s.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    static func isLoopbackName(_ name: String) -> Bool { name == "localhost" || name == "127.0.0.1" || name == "[::1]" }

    static func isIPLiteral(_ name: String) -> Bool {
        if name.hasPrefix("[") { return name.hasSuffix("]") }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) }
    }
}

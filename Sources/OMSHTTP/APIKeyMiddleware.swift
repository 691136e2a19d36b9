import HTTPTypes
import Hummingbird

/// With API keys configured, every request must carry one of them, as `Authorization: Bearer KEY` or
/// `X-API-Key: KEY`; otherwise it is answered 401 `UNAUTHORIZED` before any handler runs. Only `/health` stays
/// open (for load balancers), and the dashboard's static assets when the router serves them (`Dashboard.assets`: a page, a stylesheet and a
/// script that hold no data; a browser cannot send a key when it opens a page, and the page then asks the user
/// for one): denying by default leaves no path spelling (`//api/…`, `/./api/…`) around the check.
public struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: [[UInt8]]
    /// Paths a GET or HEAD of needs no key: the dashboard's assets when the router serves them.
    let publicAssets: Set<String>
    static var apiKeyField: HTTPField.Name { HTTPField.Name("X-API-Key")! }

    public init(keys: Set<String>, publicAssets: Set<String> = []) {
        self.keys = keys.map { Array($0.utf8) }
        self.publicAssets = publicAssets
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        if isPublic(request) { return try await next(request, context) }
        guard let given = Self.key(in: request) else {
            throw APIError(.unauthorized, code: "UNAUTHORIZED",
                           message: "this server requires an API key: send Authorization: Bearer KEY or X-API-Key: KEY")
        }
        let bytes = Array(given.utf8)
        // Every key is compared in full, so that the time taken does not tell how much of a guess was right.
        var known = false
        for k in keys where Self.same(k, bytes) { known = true }
        guard known else { throw APIError(.unauthorized, code: "UNAUTHORIZED", message: "unknown API key") }
        return try await next(request, context)
    }

    /// A GET or HEAD of `/health` or of one of the public assets (exact paths).
    func isPublic(_ request: Request) -> Bool {
        let path = request.uri.path
        return (request.method == .get || request.method == .head) && (path == "/health" || publicAssets.contains(path))
    }

    static func key(in request: Request) -> String? {
        if let a = request.headers[.authorization], a.lowercased().hasPrefix("bearer ") {
            return String(a.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return request.headers[apiKeyField]
    }

    /// `a` is a configured key, `b` the one given: the time taken depends on `b`'s length only (an early
    /// return on a length mismatch told a guesser each key's length).
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff: UInt8 = a.count == b.count ? 0 : 1
        for i in 0..<b.count { diff |= b[i] ^ (i < a.count ? a[i] : 0) }
        return diff == 0
    }
}

import HTTPTypes
import Hummingbird

/// With API keys configured, every request must carry one of them, as `Authorization: Bearer KEY` or
/// `X-API-Key: KEY`; otherwise it is answered 401 `UNAUTHORIZED` before any handler runs. Only `/health` stays
/// open (for load balancers): denying by default leaves no path spelling (`//api/…`, `/./api/…`) around the check.
public struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: [[UInt8]]
    static var apiKeyField: HTTPField.Name { HTTPField.Name("X-API-Key")! }

    public init(keys: Set<String>) { self.keys = keys.map { Array($0.utf8) } }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
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

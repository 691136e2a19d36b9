import Foundation
import Hummingbird
import Synchronization

/// The methods a router serves at a path, for 405 answers (`APIErrorMiddleware`). Reads the router's route
/// list once, at the first request that needs it: by then every route is mounted (the server mounts all of
/// them before it starts). Until then it holds the router (which holds the middleware that holds this: the
/// application keeps only the responder built from the router), and lets it go once the list is read.
public final class RouteMethods<Context: RequestContext>: Sendable {
    private struct Held: @unchecked Sendable {
        // @unchecked: Router is a class that is not Sendable; it is read here once, under `state`'s lock, at
        // the first request that needs it, when nothing mutates it any more.
        var router: Router<Context>?
        var table: [(pattern: [Substring], methods: Set<HTTPRequest.Method>)]?
    }

    private let state: Mutex<Held>

    public init(_ router: Router<Context>) { state = Mutex(Held(router: router)) }

    /// The methods served at `path` (HEAD with GET), in a fixed order; empty when no route has that path.
    public func methods(forPath path: String) -> [HTTPRequest.Method] {
        let table = state.withLock { held in
            if let table = held.table { return table }
            var byPattern: [String: Set<HTTPRequest.Method>] = [:]
            for r in held.router?.routes ?? [] { byPattern["\(r.path)", default: []].insert(r.method) }
            let built = byPattern.map { (pattern: $0.key.split(separator: "/"), methods: $0.value) }
            held = Held(router: nil, table: built)
            return built
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var found: Set<HTTPRequest.Method> = []
        for entry in table where Self.matches(entry.pattern, segments) { found.formUnion(entry.methods) }
        if found.contains(.get) { found.insert(.head) }
        let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]
        let rank = { (m: HTTPRequest.Method) in order.firstIndex(of: m) ?? order.count }
        return found.sorted { (rank($0), $0.rawValue) < (rank($1), $1.rawValue) }
    }

    /// A segment with a capture (`{client}`, as the router describes `:client`) or a wildcard (`*`) matches
    /// any one segment, `**` the rest.
    static func matches(_ pattern: [Substring], _ segments: [Substring]) -> Bool {
        var i = 0
        for p in pattern {
            if p == "**" { return i < segments.count }
            guard i < segments.count else { return false }
            if !(p.contains("{") || p.contains("*") || p == segments[i]) { return false }
            i += 1
        }
        return i == segments.count
    }
}

extension RequestContext {
    /// The path parameter `name`, percent-decoded (`/api/limits/DESK%201` names `DESK 1`), 1…`maxLength`
    /// characters, no control characters; otherwise a 400 with `code` naming what is wrong.
    func decodedParameter(_ name: String, maxLength: Int, code: String, what: String) throws -> String {
        let raw = parameters.get(name) ?? ""
        guard let value = raw.removingPercentEncoding else {
            throw APIError(.badRequest, code: code, message: "\(what) is not valid percent-encoded UTF-8: \(raw)")
        }
        guard !value.isEmpty, value.count <= maxLength else {
            throw APIError(.badRequest, code: code, message: "\(what) must be 1…\(maxLength) characters (got \(value.count))")
        }
        guard !value.hasControlCharacters else {
            throw APIError(.badRequest, code: code, message: "\(what) must not contain control characters")
        }
        return value
    }
}

extension String {
    /// Holds a control character (C0, DEL, C1): refused in ids and texts that travel on into FIX messages.
    var hasControlCharacters: Bool { unicodeScalars.contains { $0.properties.generalCategory == .control } }
}

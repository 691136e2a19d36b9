import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// JSON calls to the REST API.
extension HTTPClient {
    /// `server` + `path` (`/api/limits/DEMO01`), each segment percent-encoded, + `query`.
    static func url(server: String, path: [String], query: [String: String] = [:]) throws -> URL {
        guard var c = URLComponents(string: server), c.scheme != nil else {
            throw ValidationError("--server must be a URL like \(defaultServer)")
        }
        // The server's own path encoded again from its decoded form: URLComponents may keep a character such as a
        // space as it was given, and setting an encoded path with it traps.
        let decoded = c.path.hasSuffix("/") ? String(c.path.dropLast()) : c.path
        let base = decoded.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
        c.percentEncodedPath = base + "/" + path.map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? $0
        }.joined(separator: "/")
        if !query.isEmpty { c.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        guard let u = c.url else { throw ValidationError("cannot make a URL from --server \(server)") }
        return u
    }

    static func getJSON<T: Decodable>(_ type: T.Type, _ url: URL) async throws -> T {
        try decode(type, try await get(url))
    }

    static func putJSON<T: Decodable>(_ type: T.Type, _ url: URL, body: some Encodable) async throws -> T {
        var r = URLRequest(url: url)
        r.httpMethod = "PUT"
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        r.httpBody = try JSONEncoder().encode(body)
        return try decode(type, try await send(r))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw unreadable(T.self, data, error)
        }
    }

    /// An answer the CLI cannot read, said so a person can act on it: which field, and how the answer begins
    /// (not Foundation's `DecodingError` dump).
    static func unreadable<T>(_ type: T.Type, _ data: Data, _ error: any Error) -> CLIError {
        let why: String
        switch error as? DecodingError {
        case .keyNotFound(let k, let c)?: why = "field `\(path(c.codingPath + [k]))` is missing"
        case .typeMismatch(let t, let c)?: why = "field `\(path(c.codingPath))` is not a \(t)"
        case .valueNotFound(let t, let c)?: why = "field `\(path(c.codingPath))` is null, expected a \(t)"
        case .dataCorrupted(let c)?:
            why = c.codingPath.isEmpty ? "it is not JSON" : "field `\(path(c.codingPath))`: \(c.debugDescription)"
        default: why = "\(error)"
        }
        let start = String(decoding: data.prefix(120), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return CLIError("the server's answer is not a \(T.self) (\(why)); it begins: \(start)")
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Pretty, sorted JSON for `--json`.
    static func printJSON(_ value: some Encodable) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try e.encode(value), as: UTF8.self))
    }
}

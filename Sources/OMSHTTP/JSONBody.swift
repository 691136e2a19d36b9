import Foundation
import Hummingbird

/// A JSON request body (at most 64 KiB) decoded, or what was wrong with it, for the route to say.
enum JSONBody {
    enum Problem: Error {
        /// Not the JSON the route takes: the field and why (`DecodingError`, said for people).
        case invalid(String)
        /// The body could not be read (over the limit, the connection gone).
        case unreadable(any Error)

        var isTooLarge: Bool {
            if case .unreadable(let e) = self { return (e as? HTTPError)?.status == .contentTooLarge }
            return false
        }
    }

    static let limit = 64 << 10

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws(Problem) -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw .unreadable(error)
        }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: buffer))
        } catch let e as DecodingError {
            throw .invalid(describe(e))
        } catch {
            throw .unreadable(error)
        }
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let k, _): return "missing field `\(k.stringValue)`"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? c.debugDescription : "field `\(path)`: \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

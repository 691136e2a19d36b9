import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

typealias FakeRouter = Router<BasicWebSocketRequestContext>

/// A Hummingbird server on 127.0.0.1 with an ephemeral port (HTTP and WebSocket upgrade).
struct FakeServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>

    static func start(_ router: FakeRouter) async throws -> FakeServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fake-broker")
        logger.logLevel = .critical
        let app = Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CancellationError() }
        return FakeServer(port: port, task: task)
    }

    func stop() { task.cancel() }

    /// Stops the server and returns once it no longer listens.
    func stopAndWait() async {
        task.cancel()
        _ = await task.result
    }
}

/// Helpers the three fakes share: reading what was sent, answering JSON, checking fields.
enum Fake {
    static func seen(_ request: Request, body: String) -> SeenRequest {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        return SeenRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                           headers: headers, body: body)
    }

    static func body(_ request: Request) async -> String {
        var r = request
        guard let buffer = try? await r.collectBody(upTo: 1 << 20) else { return "" }
        return String(buffer: buffer)
    }

    static func json(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (k, v) in headers { if let n = HTTPField.Name(k) { fields[n] = v } }
        return Response(status: .init(code: status), headers: fields,
                        body: .init(byteBuffer: ByteBuffer(bytes: Array(data))))
    }

    static func object(_ text: String) -> [String: FJSON]? {
        guard let v = try? JSONDecoder().decode(FJSON.self, from: Data(text.utf8)), case .object(let o) = v else { return nil }
        return o
    }

    static func form(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let decode = { (s: String) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s }
            out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name)
    }

    /// Serves a stream connection until the test drops it or the client leaves; client messages are recorded.
    static func serveStream(_ book: FakeBook, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                            messages: @escaping @Sendable (Int, String) async -> Void = { _, _ in }) async {
        let (id, dropped) = await book.connect(outbound)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in dropped {}
            }
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: 1 << 16) {
                        if case .text(let t) = message { await messages(id, t) }
                    }
                } catch {}
            }
            await group.next()
            group.cancelAll()
        }
        await book.disconnect(id)
    }
}

/// The fakes' own reading of a JSON body, telling integers, fractions, booleans and strings apart.
enum FJSON: Decodable, Sendable, Equatable {
    case null, bool(Bool), int(Int64), double(Double), string(String), array([FJSON]), object([String: FJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([FJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: FJSON].self)) }
    }

    var int: Int64? { if case .int(let i) = self { return i }; return nil }
    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
}

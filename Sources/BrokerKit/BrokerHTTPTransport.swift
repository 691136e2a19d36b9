import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One REST call as a broker dialect builds it (the adapter adds the auth headers).
public struct BrokerHTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The path without the query (what logs show: a query may hold an id or a token).
    public var pathForLog: String {
        let afterScheme = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let path = afterScheme.count > 3 ? "/" + afterScheme[3] : url
        return String(path.split(separator: "?", maxSplits: 1).first ?? "")
    }
}

public struct BrokerHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Why a REST call got no response.
public enum BrokerTransportError: Error, Sendable, Hashable {
    /// The connection was never made: the request did not leave.
    case notConnected(String)
    /// Timed out or lost the connection after sending: the broker may have acted on it.
    case noResponse(String)
}

/// Sends broker REST calls over AsyncHTTPClient with a per-call timeout.
public final class BrokerHTTPTransport: Sendable {
    public let client: HTTPClient
    private let ownsClient: Bool
    public let timeout: Duration

    public init(timeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(5), client: HTTPClient? = nil) {
        self.timeout = timeout
        if let client {
            self.client = client
            ownsClient = false
        } else {
            var config = HTTPClient.Configuration()
            config.timeout.connect = .milliseconds(Self.milliseconds(connectTimeout))
            // A refused connection fails the call at once (the request never left: the order can go to the backup
            // broker). With AsyncHTTPClient's default the pool kept trying to connect until the call's timeout, so
            // a broker whose server was down cost every order the whole timeout before failover, and the call then
            // ended as a timeout, "no response" — an order whose fate is unknown — or as "not connected",
            // depending on which of the two clocks fired first.
            config.connectionPool.retryConnectionEstablishment = false
            self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            ownsClient = true
        }
    }

    public func shutdown() async {
        if ownsClient { try? await client.shutdown() }
    }

    public func send(_ request: BrokerHTTPRequest) async throws(BrokerTransportError) -> BrokerHTTPResponse {
        var r = HTTPClientRequest(url: request.url)
        r.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { r.headers.add(name: name, value: value) }
        if let body = request.body { r.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(r, timeout: .milliseconds(Self.milliseconds(timeout)))
            let body = try await response.body.collect(upTo: 16 << 20)
            return BrokerHTTPResponse(status: Int(response.status.code),
                                      headers: response.headers.map { ($0.name, $0.value) },
                                      body: Array(buffer: body))
        } catch {
            if Self.neverSent(error) { throw .notConnected(String(describing: error)) }
            throw .noResponse(String(describing: error))
        }
    }

    private static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    private static func neverSent(_ error: any Error) -> Bool {
        if let e = error as? HTTPClientError {
            return e == .connectTimeout || e == .invalidURL || e == .emptyHost || e == .emptyScheme
        }
        if error is NIOConnectionError { return true }
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED { return true }
        if let e = error as? ChannelError, case .connectTimeout = e { return true }
        return false
    }
}

import FIXProtocol
import FIXSession
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Accepts FIX connections on one port for any number of sessions; the first message (a Logon) picks
/// the session by BeginString and CompIDs. A `Service`: on graceful shutdown every session logs out.
public final class FIXAcceptor: Service, @unchecked Sendable {
    // @unchecked: `server` is set once in `bind()` before `run()`; the rest is immutable.
    public let sessions: [FIXSessionID: FIXSession]
    let store: FIXMessageStore
    let host: String
    let port: Int
    let group: EventLoopGroup
    let logger: Logger
    let maxMessageSize: Int
    let logonTimeout: Double
    let tickInterval: Duration
    private var server: NIOAsyncChannel<NIOAsyncChannel<FIXFrame, ByteBuffer>, Never>?

    public init(sessions: [FIXSession], store: FIXMessageStore, host: String = "0.0.0.0", port: Int,
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
                maxMessageSize: Int? = nil, logonTimeout: Double = 10, tickInterval: Duration = .milliseconds(100)) {
        var map: [FIXSessionID: FIXSession] = [:]
        for s in sessions { map[s.id] = s }
        self.sessions = map
        self.store = store
        self.host = host
        self.port = port
        self.group = group
        self.logger = logger
        self.maxMessageSize = maxMessageSize ?? sessions.map(\.settings.maxMessageSize).max() ?? (1 << 20)
        self.logonTimeout = logonTimeout
        self.tickInterval = tickInterval
    }

    /// Binds the port; returns the port actually bound (useful with port 0).
    @discardableResult
    public func bind() async throws -> Int {
        let max = maxMessageSize
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FIXFrameDecoder(maxMessageSize: max)))
                    return try NIOAsyncChannel<FIXFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        self.server = server
        let bound = server.channel.localAddress?.port ?? port
        logger.info("FIX acceptor listening on \(host):\(bound) for \(sessions.count) session(s)")
        return bound
    }

    public func run() async throws {
        if server == nil { try await bind() }
        guard let server else { return }
        let sessions = self.sessions
        let store = self.store
        let logger = self.logger
        let logonTimeout = self.logonTimeout
        let tick = self.tickInterval
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                // Sessions without a connection still see their windows start (a connection's ticker runs only
                // while it lasts); stops with the group when the server closes.
                let idleTicker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        for s in sessions.values { await s.tickDisconnected() }
                    }
                }
                defer { idleTicker.cancel() }
                try await server.executeThenClose { inbound in
                    for try await child in inbound {
                        group.addTask {
                            await FIXConnectionRunner.serve(child, session: nil, store: store, logonTimeout: logonTimeout,
                                                            tickInterval: tick, logger: logger) { m in
                                guard let b = m.string(FIXTag.beginString), let s = m.string(FIXTag.senderCompID),
                                      let t = m.string(FIXTag.targetCompID) else { return nil }
                                return sessions[FIXSessionID(beginString: b, senderCompID: t, targetCompID: s)]
                            }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            logger.info("FIX acceptor shutting down: logging out sessions")
            server.channel.close(promise: nil)
            for s in sessions.values { Task { await s.logout(reason: "Server shutting down") } }
        }
    }

    /// Stops accepting and logs every session out.
    public func shutdown() async {
        try? await server?.channel.close()
        for s in sessions.values { await s.logout(reason: "Server shutting down") }
    }
}

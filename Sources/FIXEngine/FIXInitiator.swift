import FIXProtocol
import FIXSession
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Connects one session to its counterparty, sends Logon, and reconnects after ReconnectInterval.
public final class FIXInitiator: Service, Sendable {
    public let session: FIXSession
    let store: FIXMessageStore
    let host: String
    let port: Int
    let group: EventLoopGroup
    let logger: Logger
    let tickInterval: Duration

    public init(session: FIXSession, store: FIXMessageStore, host: String? = nil, port: Int? = nil,
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
                tickInterval: Duration = .milliseconds(100)) {
        self.session = session
        self.store = store
        self.host = host ?? session.settings.socketConnectHost ?? "127.0.0.1"
        self.port = port ?? session.settings.socketConnectPort ?? 0
        self.group = group
        self.logger = logger
        self.tickInterval = tickInterval
    }

    /// Connects and serves one connection until it ends.
    public func connectOnce() async throws {
        let max = session.settings.maxMessageSize
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FIXFrameDecoder(maxMessageSize: max)))
                    return try NIOAsyncChannel<FIXFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        await FIXConnectionRunner.serve(channel, session: session, store: store, logonTimeout: session.settings.logonTimeout,
                                        tickInterval: tickInterval, logger: logger) { _ in nil }
    }

    public func run() async throws {
        let session = self.session
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    try await connectOnce()
                } catch {
                    logger.info("Initiator \(session.id) cannot connect to \(host):\(port): \(error)")
                }
                if Task.isShuttingDownGracefully { break }
                try? await Task.sleep(for: .seconds(session.settings.reconnectInterval))
            }
        } onGracefulShutdown: {
            Task { await session.logout(reason: "Shutting down") }
        }
    }
}

import FIXProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A raw FIX peer over a real TCP socket, for tests: it sends whatever bytes it is given (broken ones too)
/// and reads frames back.
public final class FIXTestClient: Sendable {
    let channel: NIOAsyncChannel<FIXFrame, ByteBuffer>
    let pumpTask: Task<Void, Never>
    private let received = NIOLockedValueBox<[FIXFrame]>([])
    private let closedBox = NIOLockedValueBox(false)

    public static func connect(port: Int, host: String = "127.0.0.1") async throws -> FIXTestClient {
        let ch = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FIXFrameDecoder(maxMessageSize: 64 << 20)))
                    return try NIOAsyncChannel<FIXFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return FIXTestClient(ch)
    }

    init(_ channel: NIOAsyncChannel<FIXFrame, ByteBuffer>) {
        self.channel = channel
        // Writes go straight to the channel (so that broken bytes can be sent); the async writer is unused.
        channel.outbound.finish()
        let closed = closedBox
        let received = self.received
        pumpTask = Task {
            do {
                for try await f in channel.inbound { received.withLockedValue { $0.append(f) } }
            } catch {}
            closed.withLockedValue { $0 = true }
        }
    }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) async throws {
        try await channel.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends text in `FIXTestMessage` notation.
    public func send(_ text: String) async throws { try await send(FIXTestMessage.raw(text)) }

    /// The next frame as a parsed message, or nil when the connection closed or nothing came in time.
    public func receive(timeout: Duration = .seconds(30)) async -> FIXMessage? {
        guard let frame = await nextFrame(timeout: timeout), case .message(let b) = frame else { return nil }
        return try? FIXMessageParser.parse(b, dictionary: nil)
    }

    public func nextFrame(timeout: Duration) async -> FIXFrame? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let f = received.withLockedValue({ $0.isEmpty ? nil : $0.removeFirst() }) { return f }
            if closedBox.withLockedValue({ $0 }) || ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Frames received and not yet read.
    public var pendingCount: Int { received.withLockedValue { $0.count } }

    /// True once the server has closed the connection (waits up to `timeout`).
    public func waitClosed(timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if closedBox.withLockedValue({ $0 }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return closedBox.withLockedValue { $0 }
    }

    public var isClosed: Bool { closedBox.withLockedValue { $0 } }

    public func close() async {
        try? await channel.channel.close()
        pumpTask.cancel()
    }
}

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

extension FIXTestClient {
    /// The next message — but when it is the server's ResendRequest from a number in `answered` (requests whose
    /// answers the client has), a SequenceReset-GapFill from there to `newSeqNo` answers it first and the message
    /// after it is returned. After a kill -9 the restarted server may not have stored that it took the client's
    /// last requests (their numbers are stored with the next commit after the answers, within 5 ms), so it asks
    /// for them again: FIX's recovery, which a client answers with a gap fill for what was already answered. Any
    /// other message is returned as it is.
    public func receiveFillingGap(answered: ClosedRange<Int>, to newSeqNo: Int, sender: String = "CLIENT1",
                                  target: String = "VEGA", timeout: Duration = .seconds(30)) async throws -> FIXMessage? {
        guard let m = await receive(timeout: timeout) else { return nil }
        guard m.msgType == "2", let begin = m.int(7), answered.contains(begin) else { return m }
        try await send("8=FIX.4.4|35=4|34=\(begin)|43=Y|122=<TIME>|49=\(sender)|52=<TIME>|56=\(target)|123=Y|36=\(newSeqNo)|")
        return await receive(timeout: timeout)
    }
}

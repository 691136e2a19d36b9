import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers
import NIOCore

/// A FIX connection over a NIO channel. Sends are queued without blocking the session; one writer task
/// waits until the store has made the queued messages durable, then writes them in one flush.
final class NIOFIXConnection: FIXConnection, @unchecked Sendable {
    // @unchecked: all mutable state is inside `state`, guarded by its lock.
    private struct State {
        var pending: [([UInt8], FIXStoreTicket)] = []
        var closing = false
        var closed = false
    }

    let remoteAddress: String?
    private let state = NIOLockedValueBox(State())
    private let signal: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation

    init(remoteAddress: String?) {
        self.remoteAddress = remoteAddress
        (signal, signalContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func send(_ bytes: [UInt8], durableAfter ticket: FIXStoreTicket) {
        let accepted = state.withLockedValue { s -> Bool in
            guard !s.closing else { return false }
            s.pending.append((bytes, ticket))
            return true
        }
        if accepted { signalContinuation.yield() }
    }

    func close() {
        state.withLockedValue { $0.closing = true }
        signalContinuation.yield()
    }

    var isClosing: Bool { state.withLockedValue { $0.closing } }

    /// Writes queued messages until the connection is closed; then closes the channel.
    func runWriter(channel: Channel, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, store: FIXMessageStore) async {
        for await _ in signal {
            let (batch, closing) = state.withLockedValue { s -> ([([UInt8], FIXStoreTicket)], Bool) in
                let b = s.pending
                s.pending.removeAll(keepingCapacity: true)
                return (b, s.closing)
            }
            if !batch.isEmpty {
                let maxTicket = batch.map(\.1).max() ?? 0
                if maxTicket > store.durableTicket {
                    do { try await store.waitDurable(maxTicket) } catch {
                        // Never send what is not stored: drop the connection instead.
                        break
                    }
                }
                var buffer = channel.allocator.buffer(capacity: batch.reduce(0) { $0 + $1.0.count })
                for (bytes, _) in batch { buffer.writeBytes(bytes) }
                do { try await outbound.write(buffer) } catch { break }
            }
            if closing { break }
        }
        state.withLockedValue { $0.closing = true; $0.closed = true }
        try? await channel.close()
    }

    func finish() {
        state.withLockedValue { $0.closing = true }
        signalContinuation.finish()
    }
}

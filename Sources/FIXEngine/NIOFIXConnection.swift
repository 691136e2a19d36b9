import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers
import NIOCore

/// A FIX connection over a NIO channel. Sends are queued without blocking the session and written to the
/// channel as soon as the store has made them durable: at once when they already are, else by the store's
/// writer right after the commit that made them so (`FIXMessageStore.addDurableObserver`), in order, each
/// run of ready messages in one flush. Nothing is written that is not durable.
final class NIOFIXConnection: FIXConnection, @unchecked Sendable {
    // @unchecked: all mutable state is inside `state`, guarded by its lock.
    private struct State {
        var pending: [([UInt8], FIXStoreTicket)] = []
        var closing = false
        /// Set while `runWriter` runs: where ready messages go.
        var channel: Channel?
        var store: FIXMessageStore?
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
        state.withLockedValue { s in
            guard !s.closing else { return }
            s.pending.append((bytes, ticket))
            Self.writeReady(&s)
        }
    }

    /// Under the lock: writes the messages at the head of the queue that are durable, in one flush. The
    /// channel's write only queues the bytes for its event loop, so the lock is held briefly, and holding
    /// it keeps the order of writes from different threads.
    private static func writeReady(_ s: inout State) {
        guard let channel = s.channel, let store = s.store, !s.pending.isEmpty else { return }
        let durable = store.durableTicket
        var n = 0
        var size = 0
        while n < s.pending.count, s.pending[n].1 <= durable {
            size += s.pending[n].0.count
            n += 1
        }
        guard n > 0 else { return }
        var buffer = channel.allocator.buffer(capacity: size)
        for i in 0..<n { buffer.writeBytes(s.pending[i].0) }
        s.pending.removeFirst(n)
        channel.writeAndFlush(buffer, promise: nil)
    }

    func close() {
        state.withLockedValue { $0.closing = true }
        signalContinuation.yield()
    }

    var isClosing: Bool { state.withLockedValue { $0.closing } }

    /// How long a closing connection waits for its last messages to become durable.
    static let closingWait = Duration.seconds(2)

    /// Writes durable messages until the connection is closed; then writes what is left once it is durable
    /// and closes the channel. A store that fails closes the connection: what it did not store is not sent.
    func runWriter(channel: Channel, store: FIXMessageStore) async {
        state.withLockedValue { s in
            s.channel = channel
            s.store = store
            Self.writeReady(&s)
        }
        let token = store.addDurableObserver { [weak self] failed in
            guard let self else { return }
            if failed {
                self.close()
            } else {
                self.state.withLockedValue { Self.writeReady(&$0) }
            }
        }
        for await _ in signal where isClosing { break }
        store.removeDurableObserver(token)
        // Closing: the last messages (a Logout) go out once durable, unless the store failed or is held up (a
        // full disk) for longer than `closingWait`: then the connection closes without them.
        let last = state.withLockedValue { $0.pending.map(\.1).max() }
        if let last, await store.waitDurable(last, atMost: Self.closingWait) {
            state.withLockedValue { Self.writeReady(&$0) }
        }
        state.withLockedValue { $0.closing = true; $0.channel = nil }
        try? await channel.close()
    }

    func finish() {
        state.withLockedValue { $0.closing = true }
        signalContinuation.finish()
    }
}

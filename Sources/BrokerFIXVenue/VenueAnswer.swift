import NIOConcurrencyHelpers

/// A one-shot answer that a request waits for: the first `fulfill` wins, later ones are ignored.
final class VenueAnswer<Value: Sendable>: Sendable {
    private struct State: Sendable {
        var value: Value?
        var waiter: CheckedContinuation<Value, Never>?
    }
    private let state = NIOLockedValueBox(State())

    init() {}

    func fulfill(_ value: Value) {
        let waiter: CheckedContinuation<Value, Never>? = state.withLockedValue { s in
            guard s.value == nil else { return nil }
            s.value = value
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: value)
    }

    /// Waits for the answer, or `timeout` and then `onTimeout`.
    func wait(timeout: Duration, orElse onTimeout: Value) async -> Value {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self.fulfill(onTimeout) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (c: CheckedContinuation<Value, Never>) in
            let ready: Value? = state.withLockedValue { s in
                if let v = s.value { return v }
                s.waiter = c
                return nil
            }
            if let ready { c.resume(returning: ready) }
        }
    }
}

import Synchronization

/// A value set once, for any number of tasks that wait for it: the HTTP port once the server listens, the
/// open orders taken up at their brokers after a start, what stopped the store. A second `set` is ignored.
public final class AsyncOnce<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func set(_ v: Value) {
        let waiters = state.withLock { s -> [CheckedContinuation<Value?, Never>] in
            guard s.value == nil else { return [] }
            s.value = v
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for c in waiters { c.resume(returning: v) }
    }

    /// The value once set (at once if it is); nil when the waiting task is cancelled first.
    public func wait() async -> Value? {
        let id = state.withLock { s in
            defer { s.nextWaiter += 1 }
            return s.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Value?, Never>) in
                let ready = state.withLock { s -> Value?? in
                    if let v = s.value { return .some(v) }
                    if Task.isCancelled { return .some(nil) }
                    s.waiters[id] = c
                    return nil
                }
                if let r = ready { c.resume(returning: r) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }
}

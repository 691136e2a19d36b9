import Synchronization

/// A queue with any number of producers and one consumer that takes everything queued so far at once.
///
/// The order path hands work between its stages (FIX session → engine → FIX session) through these: under
/// load a stage wakes once for many items instead of once per item (an `AsyncStream` resumes its consumer
/// per element), and the consumer can pass the whole batch on in one call.
public final class BatchQueue<Element: Sendable>: Sendable {
    // Inlinable, so that each stage's queue is specialised for its element type (unspecialised, every push
    // and take looked up generic metadata at run time).
    @usableFromInline
    struct State {
        @usableFromInline var items: [Element] = []
        @usableFromInline var waiter: UnsafeContinuation<Void, Never>?
        @usableFromInline var finished = false
        @inlinable init() {}
    }

    @usableFromInline let state = Mutex(State())

    @inlinable public init() {}

    /// Adds an item; ignored (false) once the queue is finished.
    @discardableResult @inlinable
    public func push(_ item: Element) -> Bool {
        let (accepted, waiter) = state.withLock { s -> (Bool, UnsafeContinuation<Void, Never>?) in
            guard !s.finished else { return (false, nil) }
            s.items.append(item)
            defer { s.waiter = nil }
            return (true, s.waiter)
        }
        waiter?.resume()
        return accepted
    }

    /// Finishes the queue and returns what was left in it (for a consumer that stopped early).
    @inlinable public func close() -> [Element] {
        let (left, waiter) = state.withLock { s -> ([Element], UnsafeContinuation<Void, Never>?) in
            s.finished = true
            let left = s.items
            s.items.removeAll()
            defer { s.waiter = nil }
            return (left, s.waiter)
        }
        waiter?.resume()
        return left
    }

    /// No more items: the consumer gets what is left, then nil.
    @inlinable public func finish() {
        let waiter = state.withLock { s -> UnsafeContinuation<Void, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Everything queued, in order, waiting for at least one item; nil when the queue is finished and
    /// empty, or the consuming task is cancelled. One consumer only.
    @inlinable public func next() async -> [Element]? {
        while true {
            let (batch, done) = take()
            if let batch { return batch }
            if done || Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
                    let ready = state.withLock { s -> Bool in
                        if !s.items.isEmpty || s.finished || Task.isCancelled { return true }
                        s.waiter = c
                        return false
                    }
                    if ready { c.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { s -> UnsafeContinuation<Void, Never>? in
                    defer { s.waiter = nil }
                    return s.waiter
                }
                waiter?.resume()
            }
        }
    }

    @inlinable func take() -> ([Element]?, Bool) {
        state.withLock { s in
            if s.items.isEmpty { return (nil, s.finished) }
            let b = s.items
            s.items.removeAll(keepingCapacity: true)
            return (b, false)
        }
    }
}

import Foundation

/// The source of wall-clock time for schedules in the core (e.g. the 06:00 IST reference-data rebuild).
/// Injected so that schedules are tested with a manual clock instead of sleeping.
public protocol InstantClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemInstantClock: InstantClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to.
public final class ManualInstantClock: InstantClock, @unchecked Sendable {
    // @unchecked Sendable: `current` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public func now() -> Date { lock.withLock { current } }

    public func set(_ date: Date) { lock.withLock { current = date } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

import FIXProtocol
import Foundation
import NIOConcurrencyHelpers

/// The source of wall-clock time (UTC) for the session layer: injected so that heartbeats,
/// latency checks and schedules are tested without sleeping.
public protocol WallClock: Sendable {
    func now() -> FIXTimestamp
}

/// The machine's clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> FIXTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return FIXTimestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}

/// A clock that moves only when told to.
public final class ManualWallClock: WallClock {
    private let current: NIOLockedValueBox<FIXTimestamp>

    public init(_ start: FIXTimestamp) { current = NIOLockedValueBox(start) }

    public func now() -> FIXTimestamp { current.withLockedValue { $0 } }

    public func advance(seconds: Double) { current.withLockedValue { $0 = $0.adding(seconds: seconds) } }

    public func set(_ t: FIXTimestamp) { current.withLockedValue { $0 = t } }
}

import Foundation
import NIOConcurrencyHelpers
import OMSCore

/// Runs a rebuild every day at a fixed IST time (06:00 by default, when brokers publish the day's files).
/// Time comes from an injected `InstantClock`: tests call `tick()` after moving a manual clock instead of
/// sleeping; `run()` is the production loop.
public final class DailyRebuildScheduler: Sendable {
    public let clock: any InstantClock
    public let hour: Int
    public let minute: Int
    private let rebuild: @Sendable (Date) async throws -> Void
    private let state: NIOLockedValueBox<State>

    private struct State {
        var next: Date
        var runs = 0
        var lastError: String?
    }

    public init(clock: any InstantClock, hour: Int = 6, minute: Int = 0,
                rebuild: @escaping @Sendable (Date) async throws -> Void) {
        precondition((0..<24).contains(hour) && (0..<60).contains(minute), "hour 0…23, minute 0…59")
        self.clock = clock
        self.hour = hour
        self.minute = minute
        self.rebuild = rebuild
        state = NIOLockedValueBox(State(next: Self.nextRun(after: clock.now(), hour: hour, minute: minute)))
    }

    /// The first `hour:minute` IST strictly after `date`.
    public static func nextRun(after date: Date, hour: Int = 6, minute: Int = 0) -> Date {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let day = ISTCalendar.day(ofEpochMillis: seconds * 1000)
        var candidate = Int64(day) * 86_400 + Int64(hour * 3600 + minute * 60) - ISTCalendar.offsetSeconds
        if Double(candidate) <= date.timeIntervalSince1970 { candidate += 86_400 }
        return Date(timeIntervalSince1970: Double(candidate))
    }

    /// How long after a failed rebuild it is tried again.
    public static let retryInterval: TimeInterval = 60

    /// When the next rebuild is due.
    public var nextRunAt: Date { state.withLockedValue { $0.next } }
    /// Rebuilds run so far.
    public var runCount: Int { state.withLockedValue { $0.runs } }
    public var lastError: String? { state.withLockedValue { $0.lastError } }

    /// Runs the rebuild if it is due by the clock; returns whether it ran. A missed day (process down)
    /// runs once, then the schedule moves to the next `hour:minute` after now.
    @discardableResult
    public func tick() async -> Bool {
        let now = clock.now()
        let due = state.withLockedValue { s -> Bool in
            guard now >= s.next else { return false }
            s.next = Self.nextRun(after: now, hour: hour, minute: minute)
            return true
        }
        guard due else { return false }
        do {
            try await rebuild(now)
            state.withLockedValue { $0.runs += 1; $0.lastError = nil }
        } catch {
            // Tried again a minute later, not the next day: the day's eligibility must not rest on yesterday's.
            let retry = now.addingTimeInterval(Self.retryInterval)
            state.withLockedValue { s in
                s.runs += 1
                s.lastError = "\(error)"
                s.next = min(s.next, retry)
            }
        }
        return true
    }

    /// Sleeps until each rebuild is due and runs it, until the task is cancelled.
    public func run() async throws {
        while !Task.isCancelled {
            let wait = nextRunAt.timeIntervalSince(clock.now())
            // Wake at least every minute so that a clock jump (NTP, suspend) is noticed.
            try await Task.sleep(nanoseconds: UInt64(max(0.05, min(wait, 60)) * 1e9))
            await tick()
        }
    }
}

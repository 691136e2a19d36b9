import FIXProtocol
import Foundation

/// When a session may be logged on: daily StartTime/EndTime in a time zone, optionally limited to
/// weekdays, or one weekly window from StartDay to EndDay. Sequence numbers reset at each new window.
public struct FIXSessionSchedule: Sendable, Equatable {
    public var startSeconds: Int  // seconds after local midnight
    public var endSeconds: Int
    public var timeZone: TimeZone
    /// 1 = Sunday … 7 = Saturday (Calendar's numbering). Both set: one weekly session.
    public var startDay: Int?
    public var endDay: Int?
    /// Daily sessions only on these weekdays (empty: every day).
    public var weekdays: Set<Int>
    public var nonStop: Bool

    public static let alwaysOpen = FIXSessionSchedule(startSeconds: 0, endSeconds: 0, timeZone: TimeZone(identifier: "UTC")!,
                                                      startDay: nil, endDay: nil, weekdays: [], nonStop: true)

    public init(startSeconds: Int, endSeconds: Int, timeZone: TimeZone, startDay: Int? = nil, endDay: Int? = nil,
                weekdays: Set<Int> = [], nonStop: Bool = false) {
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.timeZone = timeZone
        self.startDay = startDay
        self.endDay = endDay
        self.weekdays = weekdays
        self.nonStop = nonStop
    }

    private func local(_ t: FIXTimestamp) -> (dayNumber: Int64, weekday: Int, seconds: Int) {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t.seconds))))
        let localSecs = t.seconds + offset
        var day = localSecs / 86_400
        var rem = localSecs - day * 86_400
        if rem < 0 { rem += 86_400; day -= 1 }
        // 1970-01-01 was a Thursday (Calendar weekday 5).
        let weekday = Int(((day % 7) + 7 + 4) % 7) + 1
        return (day, weekday, Int(rem))
    }

    /// The start of the window containing `t` (as a local day number and seconds), or nil when outside.
    func windowStart(_ t: FIXTimestamp) -> Int64? {
        if nonStop { return 0 }
        let l = local(t)
        if let sd = startDay, let ed = endDay {
            // Weekly: position in the week in seconds from Sunday 00:00.
            let pos = (l.weekday - 1) * 86_400 + l.seconds
            let s = (sd - 1) * 86_400 + startSeconds
            let e = (ed - 1) * 86_400 + endSeconds
            let inside = s <= e ? (pos >= s && pos <= e) : (pos >= s || pos <= e)
            guard inside else { return nil }
            let back = pos >= s ? pos - s : pos + 7 * 86_400 - s
            return l.dayNumber * 86_400 + Int64(l.seconds) - Int64(back)
        }
        let inside: Bool
        let startDayNumber: Int64
        if startSeconds <= endSeconds {
            inside = l.seconds >= startSeconds && l.seconds <= endSeconds
            startDayNumber = l.dayNumber
        } else {
            // Overnight window, e.g. 18:00 to 06:00.
            inside = l.seconds >= startSeconds || l.seconds <= endSeconds
            startDayNumber = l.seconds >= startSeconds ? l.dayNumber : l.dayNumber - 1
        }
        guard inside else { return nil }
        if !weekdays.isEmpty {
            let wd = Int(((startDayNumber % 7) + 7 + 4) % 7) + 1
            guard weekdays.contains(wd) else { return nil }
        }
        return startDayNumber * 86_400 + Int64(startSeconds)
    }

    /// True when `t` falls inside a session window.
    public func isSessionTime(_ t: FIXTimestamp) -> Bool { windowStart(t) != nil }

    /// True when both instants fall in the same window (QuickFIX `isSameSession`).
    public func isSameSession(_ a: FIXTimestamp, _ b: FIXTimestamp) -> Bool {
        if nonStop { return true }
        guard let wa = windowStart(a), let wb = windowStart(b) else { return false }
        return wa == wb
    }
}

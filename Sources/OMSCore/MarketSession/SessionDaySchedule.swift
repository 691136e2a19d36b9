/// One market's day for one variant of securities, precomputed: a minute → phase table, so the order path finds
/// the phase with one array read.
final class SessionDaySchedule: Sendable {
    static let noPhase: UInt8 = .max

    /// The effective phases, in time order, clipped to where they apply (a CAS stock's normal market ends 15:15).
    let phases: [SessionPhase]
    /// 1440 entries: index into `phases`, or `noPhase`.
    let minuteTable: [UInt8]
    /// Start minutes of phases that release held after-market orders, ascending.
    let releaseStarts: [Int16]
    /// Index into `phases` for each of `releaseStarts`.
    let releasePhases: [UInt8]

    /// Paints `base`, then for each overlay clears its span and paints its phases.
    init(base: [SessionPhase], overlays: [SessionOverlay]) {
        var painted: [SessionPhase] = []
        var table = [UInt8](repeating: SessionDaySchedule.noPhase, count: 1440)
        func paint(_ p: SessionPhase) {
            precondition(painted.count < Int(SessionDaySchedule.noPhase), "too many phases in one day")
            let idx = UInt8(painted.count)
            painted.append(p)
            for m in Int(p.start.minuteOfDay)..<Int(p.end.minuteOfDay) { table[m] = idx }
        }
        for p in base { paint(p) }
        for o in overlays {
            for m in Int(o.from.minuteOfDay)..<Int(o.to.minuteOfDay) { table[m] = SessionDaySchedule.noPhase }
            for p in o.phases { paint(p) }
        }
        // Runs of equal index become the effective phases.
        var effective: [SessionPhase] = []
        var effectiveTable = [UInt8](repeating: SessionDaySchedule.noPhase, count: 1440)
        var starts: [Int16] = []
        var releasing: [UInt8] = []
        var m = 0
        while m < 1440 {
            let idx = table[m]
            var end = m + 1
            while end < 1440 && table[end] == idx { end += 1 }
            if idx != SessionDaySchedule.noPhase {
                var p = painted[Int(idx)]
                p.start = SessionTime(minuteOfDay: Int16(m))
                p.end = SessionTime(minuteOfDay: Int16(end))
                precondition(effective.count < Int(SessionDaySchedule.noPhase), "too many phases in one day")
                let e = UInt8(effective.count)
                effective.append(p)
                for i in m..<end { effectiveTable[i] = e }
                if p.releasesAfterMarketOrders {
                    starts.append(Int16(m))
                    releasing.append(e)
                }
            }
            m = end
        }
        phases = effective
        minuteTable = effectiveTable
        releaseStarts = starts
        releasePhases = releasing
    }

    /// The first phase starting after `minute` (exclusive) that releases after-market orders and takes `order`.
    /// Returns its start minute, or -1.
    @inline(__always)
    func releaseStart(after minute: Int, accepting order: SessionOrderTraits) -> Int {
        var i = 0
        while i < releaseStarts.count {
            let start = Int(releaseStarts[i])
            if start > minute && phases[Int(releasePhases[i])].violation(of: order) == nil { return start }
            i += 1
        }
        return -1
    }

    /// True if some open phase of this day would take `order`.
    func acceptsSomewhere(_ order: SessionOrderTraits) -> Bool {
        phases.contains { $0.entry == .open && $0.violation(of: order) == nil }
    }
}

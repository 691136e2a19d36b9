import Foundation

/// A dated session outside the regular calendar: muhurat trading, a budget-day Sunday session.
///
/// It opens the day even on a weekend or a scheduled holiday (an unscheduled holiday still closes it). With
/// `phases` nil the day runs the regular timetable in force on that date; with phases, every security of the
/// market runs exactly those phases (no CAS, special pre-open or call-auction variants).
public struct SpecialSession: Hashable, Sendable, Codable, CustomStringConvertible {
    public var date: TradingDate
    public var markets: [SessionMarket]
    public var label: String
    public var phases: [SessionPhase]?

    public init(date: TradingDate, markets: [SessionMarket], label: String, phases: [SessionPhase]? = nil) {
        self.date = date
        self.markets = markets
        self.label = label
        self.phases = phases
    }

    public func validate() throws(SessionTimetableError) {
        if markets.isEmpty { throw SessionTimetableError(label: label, message: "no markets") }
        if let phases {
            try SessionTimetable.validate(phases, within: SessionTime(minuteOfDay: 0), SessionTime(minuteOfDay: 1440),
                                          label: label, part: "special session \(date)")
        }
    }

    public var description: String { "\(date) \(label) [\(markets.map(\.rawValue).joined(separator: ","))]" }

    /// Reads a JSON array of special sessions (seeds/sessions/special-sessions-*.json).
    public static func load(json data: Data) throws -> [SpecialSession] {
        let sessions = try JSONDecoder().decode([SpecialSession].self, from: data)
        for s in sessions { try s.validate() }
        return sessions
    }
}

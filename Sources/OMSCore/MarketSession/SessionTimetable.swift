import Foundation

/// A group of securities whose day differs from the segment's base timetable.
public enum SessionVariant: String, Sendable, Codable, CaseIterable {
    /// CAS-eligible stocks once the closing auction is live.
    case closingAuction
    /// IPO listing day or relisting day (special pre-open session).
    case specialPreOpen
    /// Futures that take part in the F&O pre-open.
    case futuresPreOpen
    /// Illiquid securities traded only in periodic call auctions.
    case periodicCallAuction

    /// Overlays are applied in this order, so the periodic call auction (which covers the whole day) wins.
    static let applicationOrder: [SessionVariant] = [.closingAuction, .specialPreOpen, .futuresPreOpen,
                                                      .periodicCallAuction]

    @inline(__always)
    var bit: UInt8 {
        switch self {
        case .closingAuction: 1
        case .specialPreOpen: 2
        case .futuresPreOpen: 4
        case .periodicCallAuction: 8
        }
    }
}

/// Replaces the base phases inside `[from, to)` with its own phases, for one variant of securities.
public struct SessionOverlay: Hashable, Sendable, Codable {
    public var variant: SessionVariant
    public var from: SessionTime
    public var to: SessionTime
    public var phases: [SessionPhase]

    public init(variant: SessionVariant, from: SessionTime, to: SessionTime, phases: [SessionPhase]) {
        self.variant = variant
        self.from = from
        self.to = to
        self.phases = phases
    }

    public init(_ variant: SessionVariant, _ from: String, _ to: String, _ phases: [SessionPhase]) {
        self.init(variant: variant, from: SessionTime(from)!, to: SessionTime(to)!, phases: phases)
    }
}

/// One dated version of the regular-day timetable of one or more markets: in force from `effectiveFrom` until the
/// next version of the same market.
public struct SessionTimetable: Hashable, Sendable, Codable {
    public var label: String
    public var markets: [SessionMarket]
    public var effectiveFrom: TradingDate
    /// The day of an ordinary security.
    public var base: [SessionPhase]
    public var overlays: [SessionOverlay]

    public init(label: String, markets: [SessionMarket], effectiveFrom: TradingDate, base: [SessionPhase],
                overlays: [SessionOverlay] = []) {
        self.label = label
        self.markets = markets
        self.effectiveFrom = effectiveFrom
        self.base = base
        self.overlays = overlays
    }

    /// Fails on phases that are empty, out of order, overlapping, or outside their overlay.
    public func validate() throws(SessionTimetableError) {
        if markets.isEmpty { throw SessionTimetableError(label: label, message: "no markets") }
        try SessionTimetable.validate(base, within: SessionTime(minuteOfDay: 0), SessionTime(minuteOfDay: 1440),
                                      label: label, part: "base")
        var seen = Set<SessionVariant>()
        for o in overlays {
            if !seen.insert(o.variant).inserted {
                throw SessionTimetableError(label: label, message: "overlay \(o.variant) given twice")
            }
            if o.from >= o.to { throw SessionTimetableError(label: label, message: "overlay \(o.variant) is empty") }
            try SessionTimetable.validate(o.phases, within: o.from, o.to, label: label, part: o.variant.rawValue)
        }
    }

    static func validate(_ phases: [SessionPhase], within from: SessionTime, _ to: SessionTime, label: String,
                         part: String) throws(SessionTimetableError) {
        var last = from
        for p in phases {
            if p.start >= p.end {
                throw SessionTimetableError(label: label, message: "\(part): \(p.name) \(p.start)-\(p.end) is empty")
            }
            if p.start < last {
                throw SessionTimetableError(label: label,
                                            message: "\(part): \(p.name) starts at \(p.start), before \(last)")
            }
            if p.end > to {
                throw SessionTimetableError(label: label, message: "\(part): \(p.name) ends after \(to)")
            }
            if [SessionPhaseName.closed, .holiday, .weekend].contains(p.name) {
                throw SessionTimetableError(label: label, message: "\(part): \(p.name) is not a phase name")
            }
            last = p.end
        }
    }
}

/// A timetable or special session that cannot be used.
public struct SessionTimetableError: Error, Hashable, Sendable, CustomStringConvertible {
    public var label: String
    public var message: String

    public init(label: String, message: String) {
        self.label = label
        self.message = message
    }

    public var description: String { "invalid session timetable \(label): \(message)" }
}

extension SessionTimetable {
    /// Reads `{"versions": [...]}` (seeds/sessions/timetables.json) and validates every version.
    public static func load(json data: Data) throws -> [SessionTimetable] {
        let file = try JSONDecoder().decode(SessionTimetableFile.self, from: data)
        for v in file.versions { try v.validate() }
        return file.versions
    }
}

/// The JSON document form of a set of timetable versions.
public struct SessionTimetableFile: Hashable, Sendable, Codable {
    public var versions: [SessionTimetable]

    public init(versions: [SessionTimetable]) { self.versions = versions }
}

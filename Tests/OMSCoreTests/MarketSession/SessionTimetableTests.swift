import Foundation
import OMSCore
import Testing

struct SessionTimetableTests {
    typealias F = SessionFixtures

    @Test func builtInTimetablesAreValid() throws {
        for t in SessionTimetable.standard { try t.validate() }
        _ = try MarketSessionEngine()
    }

    /// seeds/sessions/timetables.json is the built-in data; regenerate it with WRITE_SESSION_SEEDS=1.
    @Test func seedTimetableFileEqualsTheBuiltInTimetables() throws {
        let expected = try Self.render(SessionTimetable.standard)
        if ProcessInfo.processInfo.environment["WRITE_SESSION_SEEDS"] == "1" {
            try expected.write(to: F.seedDirectory.appendingPathComponent("timetables.json"), atomically: true,
                               encoding: .utf8)
        }
        let loaded = try SessionTimetable.load(json: F.seed("timetables.json"))
        #expect(loaded == SessionTimetable.standard)
    }

    @Test func effectiveDatesAreTheCircularDates() {
        let dates = Dictionary(grouping: SessionTimetable.standard, by: \.label).mapValues { $0[0].effectiveFrom.description }
        #expect(dates["equity-closing-auction"] == "2026-08-03")
        #expect(dates["equity-revised-pre-open"] == "2026-09-07")
        #expect(dates["derivatives-futures-pre-open"] == "2025-12-08")
        #expect(dates["derivatives-closing-auction"] == "2026-08-03")
    }

    @Test func overlappingPhasesAreRefused() {
        let t = SessionTimetable(label: "bad", markets: [.nseEquity], effectiveFrom: F.date("2026-01-01"), base: [
            .open(.preOpenEntry, "09:00", "09:08", types: [.limit], ioc: false),
            .noEntry(.preOpenMatching, "09:07", "09:12"),
        ])
        #expect(throws: SessionTimetableError.self) { try t.validate() }
    }

    @Test func emptyPhasesAndPhasesOutsideTheirOverlayAreRefused() {
        let empty = SessionTimetable(label: "empty", markets: [.nseEquity], effectiveFrom: F.date("2026-01-01"),
                                     base: [.noEntry(.preOpenMatching, "09:12", "09:12")])
        #expect(throws: SessionTimetableError.self) { try empty.validate() }
        let outside = SessionTimetable(
            label: "outside", markets: [.nseEquity], effectiveFrom: F.date("2026-01-01"), base: [],
            overlays: [SessionOverlay(.specialPreOpen, "09:00", "10:00", [.noEntry(.specialPreOpenBuffer, "09:55", "10:05")])])
        #expect(throws: SessionTimetableError.self) { try outside.validate() }
        let pseudo = SessionTimetable(label: "pseudo", markets: [.nseEquity], effectiveFrom: F.date("2026-01-01"),
                                      base: [.closed(.holiday, "09:00", "10:00")])
        #expect(throws: SessionTimetableError.self) { try pseudo.validate() }
    }

    @Test func twoVersionsOfOneMarketFromTheSameDateAreRefused() {
        let a = SessionTimetable(label: "a", markets: [.nseEquity], effectiveFrom: F.date("2026-01-01"), base: [])
        var b = a
        b.label = "b"
        #expect(throws: SessionTimetableError.self) { try MarketSessionEngine(timetables: [a, b]) }
    }

    @Test func timetableJSONRoundTripsAndLeavesOutDefaults() throws {
        let data = try JSONEncoder().encode(SessionPhase.noEntry(.preOpenMatching, "09:08", "09:12"))
        #expect(String(decoding: data, as: UTF8.self).contains("\"entry\":\"noEntry\""))
        #expect(!String(decoding: data, as: UTF8.self).contains("ioc"))
        let file = SessionTimetableFile(versions: SessionTimetable.standard)
        let back = try JSONDecoder().decode(SessionTimetableFile.self, from: JSONEncoder().encode(file))
        #expect(back == file)
    }

    @Test func badTimesInJSONAreRefused() {
        let json = #"{"versions":[{"label":"x","markets":["NSE_EQ"],"effectiveFrom":"2026-01-01","#
            + #""base":[{"name":"normalMarket","start":"9:15","end":"15:30"}],"overlays":[]}]}"#
        #expect(throws: DecodingError.self) { try SessionTimetable.load(json: Data(json.utf8)) }
    }

    @Test func specialSessionSeedLoads() throws {
        let specials = try SpecialSession.load(json: F.seed("special-sessions-2026.json"))
        #expect(specials.count == 1)
        #expect(specials[0].date == F.date("2026-02-01") && specials[0].phases == nil)
        #expect(Set(specials[0].markets) == Set(SessionMarket.allCases))
    }

    /// One version per line group, one phase per line: readable and diffable.
    static func render(_ versions: [SessionTimetable]) throws -> String {
        let enc = JSONEncoder()
        func json<T: Encodable>(_ v: T) throws -> String {
            String(decoding: try enc.encode(v), as: UTF8.self).replacingOccurrences(of: ",\"", with: ", \"")
                .replacingOccurrences(of: "\":", with: "\": ")
        }
        func list(_ names: [String]) -> String { "[" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        /// Keys in a fixed order (JSONEncoder's order is not stable on Linux), defaults left out as the decoder allows.
        func phase(_ p: SessionPhase) -> String {
            var f = ["\"name\": \"\(p.name)\"", "\"start\": \"\(p.start)\"", "\"end\": \"\(p.end)\""]
            if p.entry != .open { f.append("\"entry\": \"\(p.entry.rawValue)\"") }
            if !p.orderTypes.isEmpty { f.append("\"orderTypes\": \(list(p.orderTypes.types.map(\.sessionName)))") }
            if !p.tooLateOrderTypes.isEmpty { f.append("\"tooLate\": \(list(p.tooLateOrderTypes.types.map(\.sessionName)))") }
            if p.allowsIOC { f.append("\"ioc\": true") }
            if p.products != .all { f.append("\"products\": \(list(p.products.products.map(\.rawValue)))") }
            if p.holdsAfterMarketOrders { f.append("\"holdsAMO\": true") }
            if p.releasesAfterMarketOrders { f.append("\"releasesAMO\": true") }
            return "{" + f.joined(separator: ", ") + "}"
        }
        func phases(_ ps: [SessionPhase], indent: String) throws -> String {
            ps.map { indent + phase($0) }.joined(separator: ",\n")
        }
        var out = "{\n  \"versions\": [\n"
        var vs: [String] = []
        for v in versions {
            var s = "    {\n"
            s += "      \"label\": \(try json(v.label)),\n"
            s += "      \"markets\": \(list(v.markets.map(\.rawValue))),\n"
            s += "      \"effectiveFrom\": \(try json(v.effectiveFrom)),\n"
            s += "      \"base\": [\n\(try phases(v.base, indent: "        "))\n      ],\n"
            var os: [String] = []
            for o in v.overlays {
                var x = "        {\n"
                x += "          \"variant\": \(try json(o.variant)), \"from\": \(try json(o.from)), "
                x += "\"to\": \(try json(o.to)),\n"
                x += "          \"phases\": [\n\(try phases(o.phases, indent: "            "))\n          ]\n"
                x += "        }"
                os.append(x)
            }
            s += os.isEmpty ? "      \"overlays\": []\n" : "      \"overlays\": [\n\(os.joined(separator: ",\n"))\n      ]\n"
            s += "    }"
            vs.append(s)
        }
        out += vs.joined(separator: ",\n") + "\n  ]\n}\n"
        return out
    }
}

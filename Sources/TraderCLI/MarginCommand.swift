import ArgumentParser
import Foundation
import OMSAPIModels
import OMSCore

/// `trader-cli margin CLIENT`: the client's margin in use and its parts (F&O SPAN, cash market), from the
/// running server.
struct MarginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "margin",
        abstract: "Show a client's margin: F&O SPAN scan risk, short option minimum, calendar spread charge, "
            + "exposure margin and premium; cash-market delivery buys, working orders and MIS margin; available "
            + "and utilised.")

    @OptionGroup var options: ClientReadOptions

    func run() async throws {
        try await options.show(MarginResponse.self, resource: "margin", table: MarginTable.render)
    }
}

/// The `margin` table: totals, then one line per underlying.
enum MarginTable {
    static func render(_ m: MarginResponse) -> String {
        let rows: [(String, Price?)] = [
            ("Scan risk", m.scanningRisk),
            ("Short option minimum", m.shortOptionMinimum),
            ("Calendar spread charge", m.calendarSpreadCharge),
            ("SPAN requirement", m.spanRequirement),
            ("Exposure margin", m.exposureMargin),
            ("Long option value (credit)", m.longOptionValue),
            ("Premium reserved", m.premiumReserved),
            ("Premium paid today", m.premiumPaid),
            ("Cash: delivery paid today", m.deliveryPaid),
            ("Cash: working orders", m.cashOrdersBlocked),
            ("Cash: MIS positions", m.intradayMargin),
            ("Day's loss (realised + MTM)", m.dayLoss),
            ("Utilised", m.utilised),
            ("Available", m.available),
            ("Free", m.free),
        ]
        let label = rows.map(\.0.count).max() ?? 0
        let amount = rows.map { ($0.1?.rupeesString ?? "off").count }.max() ?? 0
        var out = "Margin of \(m.client) (₹)\n"
        for (name, value) in rows {
            let v = value?.rupeesString ?? "off"
            out += "  " + name.padding(toLength: label, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: amount - v.count) + v + "\n"
        }
        guard !m.underlyings.isEmpty else { return out + "No F&O positions or working orders.\n" }
        let headers = ["UNDERLYING", "SCAN RISK", "SCENARIO", "SPREAD", "SOMC", "EXPOSURE", "LONG OPT", "REQUIRED"]
        let cells = m.underlyings.map { u in
            [u.underlying, u.scanningRisk.rupeesString, String(u.worstScenario), u.calendarSpreadCharge.rupeesString,
             u.shortOptionMinimum.rupeesString, u.exposureMargin.rupeesString, u.longOptionValue.rupeesString,
             u.required.rupeesString]
        }
        return out + "By underlying\n" + TextTable.render(headers, cells, leftAligned: 1)
    }
}

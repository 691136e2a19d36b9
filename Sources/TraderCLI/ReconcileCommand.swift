import ArgumentParser
import Foundation
import OMSAPIModels

/// `trader-cli reconcile BROKER`: compares Vega's orders, trades and positions with the broker's books (the server
/// records the run and every difference). Exit status 0: clean; 3: differences; 1: refused (an unknown broker); 2: the
/// reconciliation could not run (the broker or the server unreachable).
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare Vega's orders, trades and positions with a broker's books and print every difference.",
        discussion: "Exit status: 0 when the books agree, 3 when there are differences, 1 when the server refuses "
            + "(unknown broker), 2 when the reconciliation could not run (broker unreachable, server down).")

    @Argument(help: "The broker id, e.g. UPSTOX, ZERODHA, FYERS, PAPER.")
    var broker: String
    @OptionGroup var options: ServerOptions

    func validate() throws {
        guard !broker.isEmpty, broker.count <= 32 else { throw ValidationError("give a broker id, e.g. UPSTOX") }
    }

    func run() async throws {
        let url = try HTTPClient.url(server: options.server, path: ["api", "brokers", broker.uppercased(), "reconcile"])
        let report = try HTTPClient.decode(ReconciliationReportDTO.self, try await HTTPClient.post(url))
        if options.json { try options.printJSON(report) } else { print(ReconciliationText.render(report), terminator: "") }
        if !report.isClean { throw ExitCode(CLIExit.differences) }
    }
}

/// The report as text: a summary line, then one line per difference.
enum ReconciliationText {
    static func render(_ r: ReconciliationReportDTO) -> String {
        var out = "Reconciliation with \(r.broker) (run \(r.runId)): \(r.vegaOrders) Vega orders of today compared, "
        guard !r.isClean else { return out + "no differences.\n" }
        out += "\(r.differences.count) difference\(r.differences.count == 1 ? "" : "s").\n"
        let headers = ["KIND", "ORDER", "INSTRUMENT", "VEGA", "BROKER"]
        let cells = r.differences.map { d in
            [d.kind, d.orderId ?? d.brokerOrderId ?? "-", [d.instrumentKey, d.product].compactMap { $0 }.joined(separator: " "),
             d.vega ?? "-", d.broker ?? "-"]
        }
        var widths = headers.map(\.count)
        for row in cells { for (k, c) in row.enumerated() { widths[k] = max(widths[k], c.count) } }
        func line(_ row: [String]) -> String {
            "  " + row.enumerated().map { k, c in c.padding(toLength: widths[k], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return out + line(headers) + cells.map(line).joined()
    }
}

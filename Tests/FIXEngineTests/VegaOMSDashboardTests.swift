import Foundation
import OMSTestSupport
import Testing

/// The web dashboard the real `vega-oms` serves, used as a browser would: `scripts/dashboard-drive.mjs` fetches
/// the page and its script from the server, runs the script (node) against stand-ins for the page's elements,
/// and through the page's own form and buttons places orders, cancels one and reads the orders and portfolio
/// tables — all through the server's REST API. Needs `node` (`.ci/run` installs it when missing); without it
/// the test is skipped, and says so.
@Suite(.serialized)
struct VegaOMSDashboardTests {
    static let node: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin").split(separator: ":") {
            let path = "\(dir)/node"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    /// Runs the driver against `base`; its exit status, standard output and standard error.
    static func drive(_ base: String, key: String? = nil) async throws -> (Int32, String, String) {
        let r = try await ChildProcess.run(URL(fileURLWithPath: node!),
                                           [VegaOMSProcess.root.appendingPathComponent("scripts/dashboard-drive.mjs").path, base]
                                               + (key.map { [$0] } ?? []))
        return (r.status, r.stdout, r.stderr)
    }

    @Test(.enabled(if: node != nil, "node is not installed: the dashboard is not driven (.ci/run installs node)"),
          arguments: [nil, "dash-key-1"])
    func theDashboardPlacesCancelsAndShowsOrdersThroughTheAPI(key: String?) async throws {
        let dir = NSTemporaryDirectory() + "vega-dash-\(UUID().uuidString)"
        // Prices stand still, so a buy limit below the market rests until it is cancelled.
        let server = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--paper-volatility-bps", "0"]),
                                    environment: key.map { ["VEGA_API_KEYS": $0] } ?? [:])
        try await server.start()
        defer { server.terminate() }
        #expect(server.banner.contains("dashboard: http://127.0.0.1:\(server.httpPort)/"), "\(server.banner)")
        let base = "http://127.0.0.1:\(server.httpPort)"
        if key != nil {
            // The page loads without a key; its data does not, and the page says why.
            let (status, _, error) = try await Self.drive(base, key: "not-the-key")
            #expect(status == 1 && error.contains("first refresh: status line says UNAUTHORIZED"), "\(error)")
        }
        let (status, output, error) = try await Self.drive(base, key: key)
        #expect(status == 0, "\(error)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(seen["resting"] as? String == "O-1" && seen["market"] as? String == "O-2")
        #expect(seen["double"] as? String == "O-4")   // a double click placed one order (O-3 was the refused one)
        #expect((seen["refused"] as? String)?.hasPrefix("UNKNOWN_INSTRUMENT: order O-3 rejected") == true, "\(seen)")
        #expect((seen["rejectedReason"] as? String)?.contains("symbol=NOSUCHSTOCK") == true, "\(seen)")
        // The page refused a quantity of 0 itself.
        #expect(seen["zero"] as? String == "Quantity must be a whole number of at least 1")
        #expect(seen["position"] as? [String] == ["CLIENT1", "RELIANCE", "CNC", "PAPER", "0", "1", "0", "1", "1542.30", "1542.30", "0.00", "0.00"],
                "\(seen)")
    }
}

import ArgumentParser
import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import OMSAPIModels
import OMSCore
import OMSHTTP
import OMSTestSupport
import ReferenceData
import Testing
@testable import TraderCLI

/// Runs the built `trader-cli` and captures its output.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String

    static func run(_ args: [String], cwd: URL? = nil) async throws -> CLIRun {
        let r = try await ToolRun.run("trader-cli", args, cwd: cwd)
        return CLIRun(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }
}

final class CLIWorkspace: @unchecked Sendable {
    // @unchecked Sendable: immutable after init.
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vega-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: dir) }
    var db: String { dir.appendingPathComponent("vega_trade.db").path }
    static var seeds: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("seeds").path
    }
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    func gzip(_ name: String, _ text: String) throws -> String {
        var b = ByteBuffer(string: text)
        return try file(name, Array(try b.compress(with: .gzip()).readableBytesView))
    }
}

@Suite struct TraderCLIParsingTests {
    @Test func searchParsesItsOptions() throws {
        let ws = try CLIWorkspace()
        let db = try ws.file("x.db", [])
        let c = try #require(try TraderCLI.parseAsRoot(["search", "nifty", "26000", "--limit", "5", "--json", "--db", db]) as? SearchCommand)
        #expect(c.text == "nifty 26000")
        #expect(c.limit == 5)
        #expect(c.json)
        #expect(c.db == db)
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["search", "x", "--db", "/no/such.db"]) }
        let d = try #require(try TraderCLI.parseAsRoot(["search", "TCS"]) as? SearchCommand)
        #expect(d.server == "http://127.0.0.1:8080")
        #expect(d.limit == 10)
    }

    @Test func loadInstrumentsParsesKindAndFiles() throws {
        let ws = try CLIWorkspace()
        let f = try ws.file("a.json", Array("[]".utf8))
        let c = try #require(try TraderCLI.parseAsRoot(["load-instruments", "--db", ws.db, "--kind", "mtf", f]) as? LoadInstrumentsCommand)
        #expect(c.kind == .mtf)
        #expect(c.files == [f])
    }

    @Test func badArgumentsAreValidationErrors() throws {
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["search", "TCS", "--limit", "0"]) }
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["orders", "--limit", "0"]) }
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["orders", "--limit", "501"]) }
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["orders", "--client", ""]) }
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["search"]) }
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["load-instruments", "--db", "x.db"]) }
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["load-instruments", "/no/such/file.json.gz"]) }
        #expect(throws: (any Error).self) { try TraderCLI.parseAsRoot(["load-instruments", "--kind", "bogus", "/etc/hostname"]) }
    }

    /// A --server whose path holds a character URLComponents keeps as given (a space) is encoded, and an
    /// unreachable server is a message and a non-zero exit — it used to trap (every command that calls the API).
    @Test(arguments: [["search", "RELIANCE"], ["order-status", "O-1"], ["portfolio"], ["orders"]])
    func aServerURLWithASpaceIsEncodedNotACrash(_ command: [String]) async throws {
        let r = try await CLIRun.run(command + ["--server", "http://127.0.0.1:1/a b"])
        #expect(r.status == 2, "\(r.stderr)")   // not done: the server cannot be reached
        #expect(r.stderr.contains("cannot reach the server at http://127.0.0.1:1/a%20b/api/"), "\(r.stderr)")
    }

    /// An order's text shows its type, trigger price, validity and exchange (a stop-loss order used to print as
    /// "at market" with neither trigger nor validity), and an average price only once something filled.
    @Test func anOrderShowsItsTypeTriggerAndValidity() throws {
        let json = #"""
            {"orderId":"O-7","clientOrderId":"C-7","client":"DEMO01","source":"cli","symbol":"INFY","exchange":"NSE",
             "side":"SELL","orderType":"SL-M","triggerPrice":"1500.00","validity":"IOC","product":"CNC","broker":"PAPER",
             "status":"NEW","ordStatus":"0","quantity":5,"filledQuantity":0,"leavesQuantity":5,"averagePrice":"0.00",
             "afterMarketHeld":false,"createdAt":1795756800000}
            """#
        let o = try JSONDecoder().decode(OrderDTO.self, from: Data(json.utf8))
        #expect(OrderText.render(o) == """
            order O-7  NEW  SELL 5 INFY (NSE) at market
              type SL-M, trigger 1500.00  validity IOC  product CNC  broker PAPER
              client DEMO01  clOrdID C-7  created 2026-11-27 10:50:00.000 IST
              filled 0  leaves 5

            """)
    }

    @Test func helpNamesTheSubcommands() {
        let help = TraderCLI.helpMessage()
        #expect(help.contains("search"))
        #expect(help.contains("load-instruments"))
        #expect(LoadInstrumentsCommand.helpMessage().contains("--db"))
        #expect(LoadInstrumentsCommand.helpMessage().contains("price-bands"))
    }
}

@Suite struct TraderCLIProcessTests {
    @Test func seedThenSearchADatabaseFile() async throws {
        let ws = try CLIWorkspace()
        let seed = try await CLIRun.run(["seed", "--db", ws.db, "--seeds", CLIWorkspace.seeds])
        #expect(seed.status == 0, "\(seed.stderr)")
        #expect(seed.stdout.contains("complete.json (bod): read 141, inserted 141"))
        let table = try await CLIRun.run(["search", "RELIANCE", "--db", ws.db, "--limit", "3"])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("SYMBOL"))
        #expect(lines[1].hasPrefix("RELIANCE "))
        #expect(lines[1].contains("NSE_EQ|INE002A01018"))
        #expect(lines[3].hasPrefix("RELIANCE FUT 29 DEC 26"))
        let json = try await CLIRun.run(["search", "sbin", "--db", ws.db, "--json"])
        let body = try JSONDecoder().decode(InstrumentSearchResponse.self, from: Data(json.stdout.utf8))
        #expect(body.results.map(\.instrumentKey).prefix(2) == ["NSE_EQ|INE062A01020", "BSE_EQ|INE062A01020"])
    }

    @Test func loadInstrumentsPrintsReportsAndFailsOnARefusedFile() async throws {
        let ws = try CLIWorkspace()
        let good = try ws.gzip("complete.json.gz", """
            [{"segment":"NSE_EQ","name":"RELIANCE INDUSTRIES LTD","exchange":"NSE","isin":"INE002A01018","instrument_type":"EQ","instrument_key":"NSE_EQ|INE002A01018","lot_size":1,"exchange_token":"2885","tick_size":10.0,"trading_symbol":"RELIANCE"},
             {"segment":"NSE_EQ","name":"BROKEN","exchange":"NSE","instrument_type":"EQ","trading_symbol":"BROKEN"}]
            """)
        let ok = try await CLIRun.run(["load-instruments", "--db", ws.db, good])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("complete.json.gz (bod): read 2, inserted 1, updated 0, unchanged 0, deactivated 0, rejected 1"))
        #expect(ok.stdout.contains("rejected #1: instrument_key is missing"))
        let notGzip = try ws.file("NSE.json.gz", Array("[]".utf8))
        let refused = try await CLIRun.run(["load-instruments", "--db", ws.db, notGzip, good])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("NSE.json.gz: REFUSED NOT_GZIP"))
        #expect(refused.stdout.contains("read 2, inserted 0, updated 0, unchanged 1"))
        let json = try await CLIRun.run(["load-instruments", "--db", ws.db, "--json", good])
        let reports = try JSONDecoder().decode([LoadReportDTO].self, from: Data(json.stdout.utf8))
        #expect(reports.map(\.unchanged) == [1])
        let missing = try await CLIRun.run(["load-instruments", "--db", ws.db, "/no/such.json.gz"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("cannot read /no/such.json.gz"))
    }

    @Test func searchAndLoadThroughARunningServer() async throws {
        let ws = try CLIWorkspace()
        let pool = try OMSPersistenceOpen.open(ws.db)
        let service = ReferenceDataService(writer: pool)
        _ = try await ReferenceDataSeeder.seedIfEmpty(service.loader, directory: CLIWorkspace.seeds)
        try await service.refresh()
        let app = Application(router: OMSRouterBuilder.build(referenceData: service),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            let r = try await CLIRun.run(["search", "infy", "--server", server, "--limit", "2"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.split(separator: "\n").count == 3)
            #expect(r.stdout.contains("NSE_EQ|INE009A01021"))
            let bands = try ws.file("bands.csv", Array("date,exchange,symbol,lower_limit,upper_limit\n2026-11-26,NSE,TCS,3000,3600\n".utf8))
            let load = try await CLIRun.run(["load-instruments", "--server", server, bands])
            #expect(load.status == 0, "\(load.stderr)")
            #expect(load.stdout.contains("bands.csv (price-bands): read 1, inserted 1"))
            let bad = try ws.file("complete.json.gz", Array("[]".utf8))
            let refused = try await CLIRun.run(["load-instruments", "--server", server, bad])
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("REFUSED NOT_GZIP"))
            // A file the server refuses does not stop the next one (it did for any refusal but a 422: an empty
            // file's 400 skipped the rest), and --json prints every report.
            let empty = try ws.file("surveillance.csv", [])
            let both = try await CLIRun.run(["load-instruments", "--server", server, "--json", empty, bands])
            #expect(both.status == 1, "\(both.stderr)")
            let reports = try JSONDecoder().decode([LoadReportDTO].self, from: Data(both.stdout.utf8))
            #expect(reports.map(\.status) == ["refused", "succeeded"])
            #expect(reports.first?.error?.code == "EMPTY_BODY")
            // --allow-mass-deactivation reaches the server (it was dropped without --db): with 150 NSE equities
            // listed, a one-row BOD file that would switch 149 off is refused, then loaded when allowed.
            func equity(_ n: Int) -> String {
                let isin = "INE9T" + String(n + 1000) + "X01"
                return #"{"segment":"NSE_EQ","name":"TEST \#(n)","exchange":"NSE","isin":"\#(isin)","instrument_type":"EQ","#
                    + #""instrument_key":"NSE_EQ|\#(isin)","lot_size":1,"exchange_token":"\#(90000 + n)","tick_size":5.0,"#
                    + #""trading_symbol":"TEST\#(n)"}"#
            }
            let listed = try ws.gzip("complete.json.gz", "[" + (0..<150).map(equity).joined(separator: ",") + "]")
            let many = try await CLIRun.run(["load-instruments", "--server", server, "--kind", "bod", listed])
            #expect(many.status == 0, "\(many.stdout)\(many.stderr)")
            let partial = try ws.gzip("NSE.json.gz", "[" + equity(0) + "]")
            let guarded = try await CLIRun.run(["load-instruments", "--server", server, "--kind", "bod", partial])
            #expect(guarded.status == 1 && guarded.stdout.contains("REFUSED MASS_DEACTIVATION"), "\(guarded.stdout)")
            let forced = try await CLIRun.run(["load-instruments", "--server", server, "--kind", "bod",
                                               "--allow-mass-deactivation", partial])
            #expect(forced.status == 0, "\(forced.stdout)\(forced.stderr)")
            #expect(forced.stdout.contains("NSE.json.gz (bod): read 1, inserted 0, updated 0, unchanged 1, deactivated 149"),
                    "\(forced.stdout)")
        }
        let down = try await CLIRun.run(["search", "infy", "--server", "http://127.0.0.1:9"])
        #expect(down.status == 2)
        #expect(down.stderr.contains("cannot reach the server"))
        try pool.close()
    }

}

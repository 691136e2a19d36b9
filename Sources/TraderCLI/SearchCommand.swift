import ArgumentParser
import Foundation
import GRDB
import OMSAPIModels
import OMSPersistence
import ReferenceData

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search instruments by trading symbol or name (the REST API, or a database file with --db).")

    @Argument(help: "What to search for: a trading symbol, its beginning, an ISIN or words of the name.")
    var query: [String]

    @Option(help: "Most results to show (1…100).")
    var limit: Int = 10

    @Flag(help: "Print JSON (the API's response) instead of a table.")
    var json = false

    @Option(help: "Server base URL.")
    var server: String = defaultServer

    @Option(help: "Search this SQLite database file directly instead of asking the server.")
    var db: String?

    var text: String { query.joined(separator: " ").trimmingCharacters(in: .whitespaces) }

    func validate() throws {
        guard !text.isEmpty else { throw ValidationError("give something to search for") }
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be 1…100") }
        if let db, !FileManager.default.fileExists(atPath: db) {
            throw ValidationError("no database file at \(db)")
        }
        if db == nil, URL(string: server)?.scheme == nil { throw ValidationError("--server must be a URL like \(defaultServer)") }
    }

    func run() async throws {
        let response: InstrumentSearchResponse
        if let db {
            let pool = try VegaDatabase.open(path: db, durability: .normal)
            let instruments = try await pool.read { db in try InstrumentRepository.fetchAll(db) }
            let results = InstrumentCatalog(instruments: instruments).search(text, limit: limit)
            response = InstrumentSearchResponse(query: text, limit: limit, results: results.map(InstrumentDTO.init))
            try pool.close()
        } else {
            // The shared builder: a --server that URL(string:) takes but URLComponents does not (a space in its
            // path) is a CLI error, not a crash.
            let url = try HTTPClient.url(server: server, path: ["api", "instruments", "search"],
                                         query: ["query": text, "limit": String(limit)])
            let data = try await HTTPClient.get(url)
            response = try HTTPClient.decode(InstrumentSearchResponse.self, data)
        }
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try e.encode(response), as: UTF8.self))
        } else {
            print(SearchTable.render(response.results), terminator: "")
            if response.results.isEmpty { FileHandle.standardError.write(Data("no instrument matches `\(text)`\n".utf8)) }
        }
    }
}

/// The result table.
enum SearchTable {
    static let headers = ["SYMBOL", "EXCH", "SEGMENT", "TYPE", "EXPIRY", "STRIKE", "LOT", "TICK", "INSTRUMENT KEY", "NAME"]

    static func render(_ rows: [InstrumentDTO]) -> String {
        guard !rows.isEmpty else { return "" }
        let cells = rows.map { r in
            [r.tradingSymbol, r.exchange, r.segment, r.instrumentType, r.expiry ?? "", r.strikePrice?.description ?? "",
             String(r.lotSize), r.tickSize.rupeesString, r.instrumentKey, r.name]
        }
        var widths = headers.map(\.count)
        for row in cells { for (k, c) in row.enumerated() { widths[k] = max(widths[k], c.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { k, c in
                k == row.count - 1 ? c : c.padding(toLength: widths[k], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }
        return line(headers) + cells.map(line).joined()
    }
}

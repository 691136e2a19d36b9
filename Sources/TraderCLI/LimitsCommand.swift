import ArgumentParser
import Foundation
import OMSAPIModels
import OMSCore

/// `trader-cli limits show|set`: a client's risk limits on the running server.
struct LimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits",
        abstract: "Show or change a client's risk limits (changes are audited: who, when, old and new value).",
        subcommands: [ShowLimits.self, SetLimits.self])
}

struct ShowLimits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a client's risk limits.")

    @OptionGroup var options: ClientReadOptions

    func run() async throws {
        try await options.show(LimitsResponse.self, resource: "limits", table: LimitsTable.render)
    }
}

/// The client, `--json` and `--server` of the read commands (`limits show`, `margin`).
struct ClientReadOptions: ParsableArguments {
    @Argument(help: "Client id (FIX Account), e.g. DEMO01.")
    var client: String

    @Flag(help: "Print JSON (the API's response) instead of a table.")
    var json = false

    @Option(help: "Server base URL.")
    var server: String = defaultServer

    func validate() throws { try validateClient(client) }

    /// GETs `/api/<resource>/<client>` and prints it as JSON or as `table` renders it.
    func show<T: Codable>(_ type: T.Type, resource: String, table: (T) -> String) async throws {
        let r = try await HTTPClient.getJSON(T.self, try HTTPClient.url(server: server, path: ["api", resource, client]))
        if json { try HTTPClient.printJSON(r) } else { print(table(r), terminator: "") }
    }
}

struct SetLimits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a client's risk limits; `off` switches a rule off.",
        discussion: """
            Money in rupees (at most 4 decimals), counts as whole numbers, each ≥ 0. Example:
              trader-cli limits set DEMO01 --max-order-value 500000 --max-open-orders 20 \\
                --symbol-order-cap 'NSE_EQ|INE002A01018=1000' --by alice
            """)

    @Argument(help: "Client id (FIX Account), e.g. DEMO01.")
    var client: String

    @Option(help: "Largest value of one order (₹, or off).") var maxOrderValue: String?
    @Option(help: "Largest quantity of one order (units, or off).") var maxOrderQuantity: String?
    @Option(help: "Most working orders, the new one included (or off).") var maxOpenOrders: String?
    @Option(help: "Largest value of all working orders (₹, or off).") var maxOpenValue: String?
    @Option(help: "Day loss (realised + MTM) above which only reducing orders pass (₹, or off).")
    var maxDailyLoss: String?
    @Option(help: "Funds available for margin: cash-market orders (CNC value, MIS/MTF margin) and F&O (₹, or off).")
    var availableMargin: String?
    @Option(help: "Intraday VaR threshold of MIS positions (₹, or off).") var intradayVarLimit: String?
    @Option(help: "Per-order quantity cap on one instrument: INSTRUMENT_KEY=QTY or INSTRUMENT_KEY=off (repeatable).")
    var symbolOrderCap: [String] = []
    @Option(help: "Position cap on one instrument: INSTRUMENT_KEY=QTY or INSTRUMENT_KEY=off (repeatable).")
    var symbolPositionCap: [String] = []

    @Option(help: "Who makes the change, for the audit (default: $USER).")
    var by: String?

    @Option(help: "Server base URL.")
    var server: String = defaultServer

    var user: String? {
        let u = by ?? ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
        return u.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    /// The changes in the order of the options above; fails on a value the server would refuse.
    func edits() throws -> [RiskLimitEdit] {
        let scalar: [(RiskLimitField, String?)] = [
            (.maxOrderValue, maxOrderValue), (.maxOrderQuantity, maxOrderQuantity), (.maxOpenOrders, maxOpenOrders),
            (.maxOpenValue, maxOpenValue), (.maxDailyLoss, maxDailyLoss), (.availableMargin, availableMargin),
            (.intradayVaRLimit, intradayVarLimit),
        ]
        var list = scalar.compactMap { f, v in v.map { RiskLimitEdit(field: f, value: Self.value($0)) } }
        for (field, caps) in [(RiskLimitField.symbolMaxOrderQuantity, symbolOrderCap),
                              (.symbolMaxPositionQuantity, symbolPositionCap)] {
            for c in caps {
                guard let eq = c.lastIndex(of: "="), eq != c.startIndex else {
                    throw ValidationError("\(field.rawValue): `\(c)` is not INSTRUMENT_KEY=QTY (e.g. NSE_EQ|INE002A01018=1000)")
                }
                list.append(RiskLimitEdit(field: field, instrument: InstrumentKey(String(c[..<eq])),
                                          value: Self.value(String(c[c.index(after: eq)...]))))
            }
        }
        var scratch = RiskLimits()
        for e in list {
            do { try scratch.apply(e) } catch { throw ValidationError(error.description) }
        }
        return list
    }

    static func value(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return ["off", "none"].contains(t.lowercased()) ? nil : t
    }

    func validate() throws {
        try validateClient(client)
        guard !(try edits()).isEmpty else {
            throw ValidationError("give at least one limit to change, e.g. --max-order-value 500000")
        }
        guard user != nil else { throw ValidationError("--by USER is needed (the audit records who made a change)") }
    }

    func run() async throws {
        let request = LimitsUpdateRequest(by: user!, changes: try edits())
        let r = try await HTTPClient.putJSON(LimitsResponse.self,
                                             try HTTPClient.url(server: server, path: ["api", "limits", client]),
                                             body: request)
        if r.changes.isEmpty {
            print("\(client): no change (every value was already set)")
        } else {
            for c in r.changes { print(LimitsTable.change(c)) }
        }
    }
}

func validateClient(_ client: String) throws {
    guard !client.trimmingCharacters(in: .whitespaces).isEmpty, client.count <= 64 else {
        throw ValidationError("the client id must be 1…64 characters")
    }
}

/// The `limits show` table.
enum LimitsTable {
    static func render(_ r: LimitsResponse) -> String {
        var out = "Risk limits of \(r.client)\n"
        let names = RiskLimitField.allCases.filter { !$0.isSymbolCap }
        let width = names.map(\.rawValue.count).max() ?? 0
        for f in names {
            out += "  " + f.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + (r.limits.text(of: f) ?? "off") + "\n"
        }
        let caps = r.limits.symbolCaps.caps.sorted { $0.key < $1.key }
        if !caps.isEmpty {
            out += "Symbol caps (units)\n"
            let w = max(caps.map(\.key.rawValue.count).max() ?? 0, "INSTRUMENT".count)
            out += "  " + "INSTRUMENT".padding(toLength: w, withPad: " ", startingAt: 0) + "  MAX ORDER  MAX POSITION\n"
            for (k, c) in caps {
                let order = c.maxOrderQuantity.map { String($0.value) } ?? "off"
                out += "  " + k.rawValue.padding(toLength: w, withPad: " ", startingAt: 0) + "  "
                    + order.padding(toLength: 9, withPad: " ", startingAt: 0) + "  "
                    + (c.maxPositionQuantity.map { String($0.value) } ?? "off") + "\n"
            }
        }
        if let u = r.usage {
            out += "In use: \(u.openOrders) open orders worth \(u.openOrderValue.rupeesString), realised P&L "
                + "\(u.realisedPnl.rupeesString), premium reserved \(u.reservedPremium.rupeesString)\n"
            let headers = ["INSTRUMENT", "PRODUCT", "NET", "WORKING BUY", "WORKING SELL"]
            let cells = u.positions.map {
                [$0.instrumentKey, $0.product, String($0.netQuantity), String($0.workingBuyQuantity),
                 String($0.workingSellQuantity)]
            }
            if !cells.isEmpty { out += TextTable.render(headers, cells, leftAligned: 2) }
        }
        if !r.changes.isEmpty {
            out += "Latest changes\n"
            for c in r.changes { out += "  " + change(c) + "\n" }
        }
        return out
    }

    /// `2026-11-25 10:15:00.000 IST alice maxOrderValue: 2000000.00 -> 500000.00`.
    static func change(_ c: LimitChangeDTO) -> String {
        let field = c.instrument.map { "\(c.field)[\($0)]" } ?? c.field
        return "\(c.changedAt) \(c.changedBy) \(field): \(c.oldValue ?? "off") -> \(c.newValue ?? "off")"
    }
}

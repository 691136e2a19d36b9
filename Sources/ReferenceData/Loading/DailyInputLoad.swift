import Foundation
import GRDB
import OMSCore

/// Loads one CSV daily input (price bands, surveillance, IPO/relisting, T2T series, holidays, client
/// products) inside one write transaction. Each file replaces what it covers (its dates; for holidays its
/// years; T2T series: everything; client products: the clients it names) and rows no longer present are
/// removed ("deactivated" in the report). Unchanged rows are not written.
struct DailyInputLoad {
    private struct Spec {
        var table: String
        var keyColumns: [String]
        var valueColumns: [String]
        /// SQL condition selecting the rows this file replaces, given the file's rows.
        var scope: (_ keys: [[DatabaseValue]]) -> (sql: String, arguments: StatementArguments)?
    }

    let db: Database
    let kind: ReferenceFileKind
    var report: LoadReport

    init(db: Database, kind: ReferenceFileKind, report: LoadReport) {
        self.db = db
        self.kind = kind
        self.report = report
    }

    static func required(for kind: ReferenceFileKind) -> [String] {
        switch kind {
        case .priceBands: ["date", "lower_limit", "upper_limit"]
        case .surveillance: ["date", "framework", "stage"]
        case .ipo: ["date", "event"]
        case .t2tSeries: ["exchange", "series"]
        case .holidays: ["date", "exchange", "holiday_type", "description"]
        case .clientProducts: ["client_id", "products"]
        default: []
        }
    }

    private var spec: Spec {
        func byFirstKey(_ column: String) -> ([[DatabaseValue]]) -> (String, StatementArguments)? {
            { keys in
                let values = Array(Set(keys.compactMap { String.fromDatabaseValue($0[0]) })).sorted()
                guard !values.isEmpty else { return nil }
                return ("\(column) IN (\(values.map { _ in "?" }.joined(separator: ",")))", StatementArguments(values))
            }
        }
        switch kind {
        case .priceBands:
            return Spec(table: "price_bands", keyColumns: ["trade_date", "instrument_key"],
                        valueColumns: ["lower_limit", "upper_limit"], scope: byFirstKey("trade_date"))
        case .surveillance:
            return Spec(table: "surveillance_list", keyColumns: ["trade_date", "instrument_key", "framework"],
                        valueColumns: ["stage"], scope: byFirstKey("trade_date"))
        case .ipo:
            return Spec(table: "ipo_listings", keyColumns: ["listing_date", "instrument_key"],
                        valueColumns: ["event", "issue_price"], scope: byFirstKey("listing_date"))
        case .t2tSeries:
            return Spec(table: "t2t_series", keyColumns: ["exchange", "series"], valueColumns: ["description"],
                        scope: { _ in ("1", StatementArguments()) })
        case .holidays:
            return Spec(table: "exchange_holidays", keyColumns: ["holiday_date", "exchange", "holiday_type"],
                        valueColumns: ["description", "open_time", "close_time"],
                        scope: { keys in
                            let years = Array(Set(keys.compactMap { String.fromDatabaseValue($0[0])?.prefix(4) }
                                .map(String.init))).sorted()
                            guard !years.isEmpty else { return nil }
                            return ("substr(holiday_date, 1, 4) IN (\(years.map { _ in "?" }.joined(separator: ",")))",
                                    StatementArguments(years))
                        })
        default:
            return Spec(table: "client_product_permissions", keyColumns: ["client_id"], valueColumns: ["products"],
                        scope: { _ in nil })
        }
    }

    mutating func run(text: String) throws {
        let csv = try CSVTable.parse(text)
        let missing = Self.required(for: kind).filter { csv.column($0) == nil }
        guard missing.isEmpty else {
            throw ReferenceFileError(.badHeader, "\(kind) file lacks column(s) \(missing.joined(separator: ", "))")
        }
        if [.priceBands, .surveillance, .ipo].contains(kind),
           csv.column("instrument_key") == nil && csv.column("symbol") == nil {
            throw ReferenceFileError(.badHeader, "\(kind) file needs an instrument_key column or exchange/segment + symbol")
        }
        let spec = self.spec
        var desired: [[DatabaseValue]: [DatabaseValue]] = [:]
        var order: [[DatabaseValue]] = []
        var firstIndex: [[DatabaseValue]: Int] = [:]
        for (index, fields) in csv.rows {
            report.read += 1
            func value(_ name: String) -> String? {
                guard let c = csv.column(name), c < fields.count else { return nil }
                let v = fields[c]
                return v.isEmpty ? nil : v
            }
            do {
                guard fields.count <= csv.header.count else {
                    throw RowError("has \(fields.count) fields, the header has \(csv.header.count)")
                }
                let (key, values) = try row(value)
                if let first = firstIndex[key] {
                    throw RowError("duplicate of row \(first)")
                }
                firstIndex[key] = index
                desired[key] = values
                order.append(key)
            } catch let e as RowError {
                report.reject(index, e.message)
            }
        }
        // A file with refused rows is not trusted to be complete: it adds and changes, but removes nothing (a
        // refused row may be the only mention of a key whose row is stored — a stock's surveillance stage, a
        // band — and its row would have been deleted while the load reported success).
        try apply(spec, desired: desired, order: order, removeMissing: report.rejectedCount == 0)
    }

    private struct RowError: Error {
        var message: String
        init(_ m: String) { message = m }
    }

    private func date(_ s: String?, _ column: String = "date") throws -> String {
        guard let s else { throw RowError("\(column) is missing") }
        let parts = s.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1900...2200).contains(y), (1...12).contains(m), (1...Calendar.daysIn(month: m, year: y)).contains(d)
        else { throw RowError("\(column) `\(s)` is not a date (yyyy-MM-dd)") }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    private func price(_ s: String?, _ column: String) throws -> Int64 {
        guard let s else { throw RowError("\(column) is missing") }
        guard let p = Price(s), p.units > 0 else { throw RowError("\(column) `\(s)` is not a positive price") }
        return p.units
    }

    private func instrumentKey(_ value: (String) -> String?) throws -> String {
        if let key = value("instrument_key") {
            guard let found = try String.fetchOne(db, sql: "SELECT instrument_key FROM instruments WHERE instrument_key = ?",
                                                  arguments: [key])
            else { throw RowError("instrument_key \(key) is not in the instrument master") }
            return found
        }
        guard let symbol = value("symbol") else { throw RowError("symbol is missing") }
        let segment: String
        if let s = value("segment") {
            segment = s.uppercased()
        } else if let e = value("exchange") {
            switch e.uppercased() {
            case "NSE": segment = "NSE_EQ"
            case "BSE": segment = "BSE_EQ"
            default: throw RowError("exchange `\(e)` is not NSE or BSE")
            }
        } else {
            throw RowError("exchange (or segment) is missing")
        }
        guard let key = try String.fetchOne(
            db, sql: "SELECT instrument_key FROM instruments WHERE segment = ? AND trading_symbol = ?",
            arguments: [segment, symbol.uppercased()])
        else { throw RowError("\(segment) \(symbol) is not in the instrument master") }
        return key
    }

    private func row(_ value: (String) -> String?) throws -> ([DatabaseValue], [DatabaseValue]) {
        switch kind {
        case .priceBands:
            let d = try date(value("date"))
            let key = try instrumentKey(value)
            let lower = try price(value("lower_limit"), "lower_limit")
            let upper = try price(value("upper_limit"), "upper_limit")
            guard lower <= upper else { throw RowError("lower_limit is above upper_limit") }
            return ([d.databaseValue, key.databaseValue], [lower.databaseValue, upper.databaseValue])
        case .surveillance:
            let d = try date(value("date"))
            let key = try instrumentKey(value)
            guard let framework = value("framework")?.uppercased(),
                  ["ASM", "LT-ASM", "ST-ASM", "GSM", "ESM", "IBC", "HIGH-PLEDGE"].contains(framework)
            else { throw RowError("framework `\(value("framework") ?? "")` is not one of ASM, LT-ASM, ST-ASM, GSM, ESM, IBC, HIGH-PLEDGE") }
            guard let stage = value("stage")?.uppercased(), ["0", "I", "II", "III", "IV", "1", "2", "3", "4"].contains(stage)
            else { throw RowError("stage `\(value("stage") ?? "")` is not I, II, III or IV") }
            let roman = ["0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"][stage] ?? stage
            return ([d.databaseValue, key.databaseValue, framework.databaseValue], [roman.databaseValue])
        case .ipo:
            let d = try date(value("date"))
            let key = try instrumentKey(value)
            guard let event = value("event")?.uppercased(), ["IPO", "RELISTING"].contains(event)
            else { throw RowError("event `\(value("event") ?? "")` is not IPO or RELISTING") }
            let issue = try value("issue_price").map { try price($0, "issue_price") }
            return ([d.databaseValue, key.databaseValue], [event.databaseValue, issue.databaseValue])
        case .t2tSeries:
            guard let e = value("exchange")?.uppercased(), ["NSE", "BSE"].contains(e)
            else { throw RowError("exchange `\(value("exchange") ?? "")` is not NSE or BSE") }
            guard let series = value("series")?.uppercased() else { throw RowError("series is missing") }
            return ([e.databaseValue, series.databaseValue], [value("description").databaseValue])
        case .holidays:
            let d = try date(value("date"))
            guard let e = value("exchange")?.uppercased(), ["NSE", "BSE", "MCX"].contains(e)
            else { throw RowError("exchange `\(value("exchange") ?? "")` is not NSE, BSE or MCX") }
            guard let t = value("holiday_type")?.uppercased(),
                  ["TRADING_HOLIDAY", "SETTLEMENT_HOLIDAY", "SPECIAL_TIMING"].contains(t)
            else { throw RowError("holiday_type must be TRADING_HOLIDAY, SETTLEMENT_HOLIDAY or SPECIAL_TIMING") }
            guard let desc = value("description") else { throw RowError("description is missing") }
            let open = try value("open_time").map { try time($0, "open_time") }
            let close = try value("close_time").map { try time($0, "close_time") }
            if t == "SPECIAL_TIMING" && (open == nil || close == nil) {
                throw RowError("SPECIAL_TIMING needs open_time and close_time")
            }
            return ([d.databaseValue, e.databaseValue, t.databaseValue],
                    [desc.databaseValue, open.databaseValue, close.databaseValue])
        default:
            guard let client = value("client_id") else { throw RowError("client_id is missing") }
            guard let text = value("products") else { throw RowError("products is missing") }
            var set: ProductSet = []
            for p in text.split(whereSeparator: { ",;| ".contains($0) }) {
                guard let product = Product(rawValue: p.uppercased()) else {
                    throw RowError("product `\(p)` is not CNC, MIS, MTF or NRML")
                }
                set.insert(ProductSet(product))
            }
            return ([client.databaseValue], [set.description.databaseValue])
        }
    }

    private func time(_ s: String, _ column: String) throws -> String {
        let p = s.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { throw RowError("\(column) `\(s)` is not HH:mm") }
        return String(format: "%02d:%02d", h, m)
    }

    private mutating func apply(_ spec: Spec, desired: [[DatabaseValue]: [DatabaseValue]],
                                order: [[DatabaseValue]], removeMissing: Bool) throws {
        let all = spec.keyColumns + spec.valueColumns
        var existing: [[DatabaseValue]: [DatabaseValue]] = [:]
        let nk = spec.keyColumns.count
        if let scope = spec.scope(order) {
            let rows = try Row.fetchAll(db, sql: "SELECT \(all.joined(separator: ", ")) FROM \(spec.table) WHERE \(scope.sql)",
                                        arguments: scope.arguments)
            for r in rows {
                let values = (0..<all.count).map { r[$0] as DatabaseValue }
                existing[Array(values[0..<nk])] = Array(values[nk...])
            }
        }
        // Rows named by this file that exist outside the scope (client products) are looked up one by one.
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(spec.table) (\(all.joined(separator: ", "))) "
                                            + "VALUES (\(all.map { _ in "?" }.joined(separator: ", ")))")
        let keyWhere = spec.keyColumns.map { "\($0) = ?" }.joined(separator: " AND ")
        for key in order {
            let values = desired[key]!
            var old = existing[key]
            if old == nil && spec.scope(order) == nil {
                if let r = try Row.fetchOne(db, sql: "SELECT \(spec.valueColumns.joined(separator: ", ")) FROM \(spec.table) WHERE \(keyWhere)",
                                            arguments: StatementArguments(key)) {
                    old = (0..<spec.valueColumns.count).map { r[$0] as DatabaseValue }
                }
            }
            if let old {
                if old == values { report.unchanged += 1; continue }
                report.updated += 1
            } else {
                report.inserted += 1
            }
            try insert.execute(arguments: StatementArguments(key + values))
        }
        guard removeMissing else { return }
        let delete = try db.cachedStatement(sql: "DELETE FROM \(spec.table) WHERE \(keyWhere)")
        for key in existing.keys.sorted(by: { "\($0)" < "\($1)" }) where desired[key] == nil {
            try delete.execute(arguments: StatementArguments(key))
            report.deactivated += 1
        }
    }
}

extension Calendar {
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

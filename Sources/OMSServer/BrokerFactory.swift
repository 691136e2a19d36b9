import BrokerFIXVenue
import BrokerFyers
import BrokerKit
import BrokerKite
import BrokerSimulator
import BrokerUpstox
import FIXSession
import Foundation
import Logging
import OMSCore

/// A broker whose books reconciliation can read, and how it names an instrument (so that its positions, keyed
/// by its own symbol, can be compared with Vega's, keyed by instrument key).
struct BrokerBooks: Sendable {
    let books: any BrokerBookkeeping
    let symbol: @Sendable (Instrument) -> String
}

/// The brokers vega-oms routes to, built from the brokers file: the embedded paper broker always, and the
/// Upstox, Kite, Fyers and FIX venue adapters the file names, with the failover map for the OrderEngine.
struct BrokerSet: Sendable {
    var adapters: [any BrokerAdapter]
    var failover: [BrokerID: BrokerID]
    var defaultBroker: BrokerID
    /// REST brokers: started (order-update stream) and shut down with the service group.
    var connections: [any BrokerConnection]
    /// FIX venues: each runs as a service of the group.
    var venues: [FIXVenueBroker]
    /// Brokers with readable books, for reconciliation.
    var books: [BrokerID: BrokerBooks]
    /// One line per broker for the banner (no credentials).
    var summary: [String]

    var ids: [BrokerID] { adapters.map(\.id) }
}

enum BrokerFactory {
    /// Builds every broker of the file. `paper` is the embedded paper broker, already configured.
    /// - Throws: `BrokerSettingsError` (missing credentials, a FIX venue that cannot be set up).
    static func build(_ file: BrokerSettingsFile, paper: PaperBroker, environment: [String: String],
                      logger: Logger) throws -> BrokerSet {
        var set = BrokerSet(adapters: [paper], failover: [:], defaultBroker: file.defaultBroker, connections: [],
                            venues: [], books: [.paper: BrokerBooks(books: paper, symbol: { $0.key.rawValue })],
                            summary: [])
        var paperLine = "PAPER (embedded paper broker)"
        for e in file.entries {
            if let b = e.string("Backup") { set.failover[e.id] = BrokerID(b) }
            let backup = e.string("Backup").map { ", backup \(BrokerID($0))" } ?? ""
            switch e.kind {
            case .paper:
                paperLine += backup
                continue
            case .upstox:
                var c = UpstoxConfiguration()
                c.brokerID = e.id
                if let u = e.string("OrderBaseURL") { c.orderBaseURL = trimmed(u) }
                if let u = e.string("APIBaseURL") { c.apiBaseURL = trimmed(u) }
                if let s = e.string("Slice") { c.slice = s == "Y" }
                try addREST(UpstoxAPI(configuration: c), e, file: file, environment: environment, logger: logger,
                            summary: "upstox \(c.orderBaseURL), \(c.apiBaseURL)\(backup)", to: &set)
            case .kite:
                var c = KiteConfiguration()
                c.brokerID = e.id
                if let u = e.string("BaseURL") { c.baseURL = trimmed(u) }
                if let u = e.string("StreamURL") { c.streamURL = trimmed(u) }
                try addREST(KiteAPI(configuration: c), e, file: file, environment: environment, logger: logger,
                            summary: "kite \(c.baseURL)\(backup)", to: &set)
            case .fyers:
                var c = FyersConfiguration()
                c.brokerID = e.id
                if let u = e.string("BaseURL") { c.baseURL = trimmed(u) }
                if let u = e.string("StreamURL") { c.streamURL = u }
                try addREST(FyersAPI(configuration: c), e, file: file, environment: environment, logger: logger,
                            summary: "fyers \(c.baseURL)\(backup)", to: &set)
            case .fixvenue:
                let venue = try fixVenue(e, file: file, logger: logger)
                set.adapters.append(venue)
                set.venues.append(venue)
                set.summary.append("\(e.id) (FIX 4.4 venue \(e.string("SocketConnectHost")!):\(e.string("SocketConnectPort")!) "
                                   + "as \(e.string("SenderCompID")!) -> \(e.string("TargetCompID")!)\(backup))")
            }
        }
        set.summary.insert(paperLine, at: 0)
        return set
    }

    /// A REST broker: its credentials and settings from the section; started, stopped and reconciled.
    private static func addREST<API: BrokerAPI>(_ api: API, _ e: BrokerEntry, file: BrokerSettingsFile,
                                                environment: [String: String], logger: Logger, summary: String,
                                                to set: inout BrokerSet) throws {
        let broker = RESTBroker(api: api, credentials: try credentials(e, file: file, default: API.environmentPrefix,
                                                                       environment: environment),
                                settings: settings(e), logger: logger)
        set.adapters.append(broker)
        set.connections.append(broker)
        set.books[broker.id] = BrokerBooks(books: broker, symbol: { api.symbol($0) })
        set.summary.append("\(e.id) (\(summary))")
    }

    private static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    /// Pacing, timeouts and the stream switch of a REST broker.
    static func settings(_ e: BrokerEntry) -> BrokerSettings {
        var s = BrokerSettings()
        if let n = e.string("OrdersPerSecond").flatMap(Int.init) { s.ordersPerSecond = n }
        if let n = e.string("RequestsPerSecond").flatMap(Int.init) { s.requestsPerSecond = n }
        if let n = e.string("RequestTimeout").flatMap(Int64.init) { s.requestTimeout = .seconds(n) }
        if let n = e.string("ConnectTimeout").flatMap(Int64.init) { s.connectTimeout = .seconds(n) }
        if let n = e.string("MaxRetriesOn429").flatMap(Int.init) { s.maxRetriesOn429 = n }
        if let n = e.string("LookupAttempts").flatMap(Int.init) { s.lookupAttempts = n }
        if let u = e.string("UseStream") { s.useStream = u == "Y" }
        return s
    }

    /// The API key, secret and access token: from the file (APIKey, APISecret, AccessToken) or the environment
    /// (`<EnvironmentPrefix>_API_KEY`, `_API_SECRET`, `_ACCESS_TOKEN`). The error names the variables, never a value.
    static func credentials(_ e: BrokerEntry, file: BrokerSettingsFile, default prefix: String,
                            environment: [String: String]) throws -> BrokerCredentials {
        let p = e.string("EnvironmentPrefix") ?? prefix
        var fromFile: [String: String] = [:]
        for (key, name) in [("APIKey", "API_KEY"), ("APISecret", "API_SECRET"), ("AccessToken", "ACCESS_TOKEN")] {
            if let v = e.string(key) { fromFile["\(p)_\(name)"] = v }
        }
        guard let c = BrokerCredentials.resolve(prefix: p, settings: fromFile, environment: environment) else {
            throw BrokerSettingsError(file: file.path, line: e.line, key: nil,
                                      message: "broker \(e.id) has no credentials: set \(p)_API_KEY and \(p)_ACCESS_TOKEN "
                                          + "in the environment (or APIKey and AccessToken in this section)")
        }
        return c
    }

    static func fixVenue(_ e: BrokerEntry, file: BrokerSettingsFile, logger: Logger) throws -> FIXVenueBroker {
        var venue = FIXVenueSettings(brokerID: e.id, host: e.string("SocketConnectHost")!,
                                     port: Int(e.string("SocketConnectPort")!)!, senderCompID: e.string("SenderCompID")!,
                                     targetCompID: e.string("TargetCompID")!)
        venue.session.useDataDictionary = false
        venue.session.resetOnLogon = (e.string("ResetOnLogon") ?? "Y") == "Y"
        if let n = e.string("HeartBtInt").flatMap(Int.init) { venue.session.heartBtInt = n }
        if let n = e.string("ReconnectInterval").flatMap(Int.init) { venue.session.reconnectInterval = n }
        if let n = e.string("AnswerTimeout").flatMap(Int64.init) { venue.answerTimeout = .seconds(n) }
        if let n = e.string("StatusTimeout").flatMap(Int64.init) { venue.statusTimeout = .seconds(n) }
        venue.account = e.string("Account")
        if let v = e.string("SendVegaTags") { venue.sendVegaTags = v == "Y" }
        do {
            return try FIXVenueBroker(settings: venue, logger: logger)
        } catch {
            throw BrokerSettingsError(file: file.path, line: e.line, key: nil, message: "FIX venue \(e.id): \(error)")
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import OMSAPIModels
import OMSCore
import OMSHTTP
import OMSPersistence
import Testing

/// Keeps `specs/openapi.yaml` honest: it lists exactly the routes the server registers, every operation answers
/// with a status (and, for errors, a code) the document gives, and successful answers have the documented fields.
@Suite struct OpenAPIDocumentTests {
    /// Every route the server registers (`OMSRouterBuilder.build` with an order service, plus
    /// `RiskLimitRoutes.mount`, as `vega-oms` builds its router). A new route fails the tests below until it is
    /// added here and documented in `specs/openapi.yaml`.
    static let registeredRoutes: Set<String> = [
        "GET /health",
        "GET /api/instruments/search",
        "GET /api/instruments/resolve",
        "POST /api/instruments/loads",
        "POST /api/order/place",
        "GET /api/order/status",
        "POST /api/order/cancel",
        "GET /api/portfolio",
        "GET /api/orders",
        "GET /",
        "GET /dashboard.js",
        "GET /dashboard.css",
        "GET /api/limits/{client}",
        "PUT /api/limits/{client}",
        "GET /api/margin/{client}",
        "POST /api/brokers/{broker}/reconcile",
    ]

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func document() throws -> OpenAPIDocument {
        let url = repositoryRoot.appendingPathComponent("specs/openapi.yaml")
        return try OpenAPIDocument(yaml: String(contentsOf: url, encoding: .utf8))
    }

    /// The server's router over seeded reference data, a fake order service and a real `RiskDesk` (in-memory
    /// SQLite store, a real `LimitRiskEngine` behind `EngineTarget`).
    static func router(_ seeded: SeededApp) async throws -> Router<BasicRequestContext> {
        let store = RiskLimitStore(writer: try VegaDatabase.inMemory())
        _ = try await store.update(ClientID("DEMO01"), edits: [RiskLimitEdit(field: .availableMargin, value: "100000")],
                                   by: "seed", at: 1_795_570_200_000)
        let target = EngineTarget(limits: [ClientID("DEMO01"): RiskLimits(availableMargin: Price(rupees: 100_000))])
        let router = OMSRouterBuilder.build(referenceData: seeded.service, orders: FakeOrderService(),
                                            defaultClient: ClientID("CLIENT1"))
        RiskLimitRoutes<BasicRequestContext>(desk: RiskDesk(store: store, target: target, now: { 1_795_570_200_000 }))
            .mount(on: router)
        BrokerRoutes<BasicRequestContext>(service: FakeReconciler()).mount(on: router)
        return router
    }

    @Test func theDocumentListsExactlyTheRoutesTheServerRegisters() async throws {
        let doc = try Self.document()
        let documented = Set(doc.operations.map(\.key))
        #expect(documented.count == doc.operations.count, "an operation is documented twice")
        let seeded = try await SeededApp()
        let served = Set(try await Self.router(seeded).routes.map { "\($0.method) \($0.path)" })
        #expect(served == Self.registeredRoutes,
                "routes registered but not listed: \(served.subtracting(Self.registeredRoutes).sorted()); listed but not registered: \(Self.registeredRoutes.subtracting(served).sorted())")
        #expect(documented == Self.registeredRoutes,
                "routes not documented: \(Self.registeredRoutes.subtracting(documented).sorted()); documented but not served: \(documented.subtracting(Self.registeredRoutes).sorted())")
    }

    /// One request: the documented operation it exercises (`METHOD /path/{param}`), the URI and the body.
    struct Probe: CustomStringConvertible {
        var operation: String
        var uri: String
        var body: String?
        var expectedStatus: Int
        var description: String { "\(operation) (\(uri))" }
    }

    /// Requests for every operation: one that succeeds and some that fail. Run in this order (the order routes
    /// share the fake's state).
    static let probes: [Probe] = [
        Probe(operation: "GET /health", uri: "/health", expectedStatus: 200),
        Probe(operation: "GET /api/instruments/search", uri: "/api/instruments/search?query=RELIANCE&limit=3", expectedStatus: 200),
        Probe(operation: "GET /api/instruments/search", uri: "/api/instruments/search", expectedStatus: 400),
        Probe(operation: "GET /api/instruments/search", uri: "/api/instruments/search?q=SBIN&limit=500", expectedStatus: 400),
        Probe(operation: "GET /api/instruments/resolve",
              uri: "/api/instruments/resolve?symbol=NIFTY&exchange=NSE&securityType=OPT&maturityDate=20261201&putOrCall=CE&strike=26000",
              expectedStatus: 200),
        Probe(operation: "GET /api/instruments/resolve", uri: "/api/instruments/resolve?symbol=RELIANCE&exchange=NSE", expectedStatus: 200),
        Probe(operation: "GET /api/instruments/resolve", uri: "/api/instruments/resolve?symbol=NOSUCH&exchange=NSE", expectedStatus: 404),
        Probe(operation: "GET /api/instruments/resolve", uri: "/api/instruments/resolve?symbol=RELIANCE", expectedStatus: 409),
        Probe(operation: "GET /api/instruments/resolve", uri: "/api/instruments/resolve?symbol=SBIN&putOrCall=X", expectedStatus: 400),
        Probe(operation: "POST /api/instruments/loads", uri: "/api/instruments/loads?name=price_bands.csv",
              body: "date,exchange,symbol,lower_limit,upper_limit\n2026-11-26,NSE,SBIN,870,1065\n2026-11-26,NSE,NOPE,1,2\n",
              expectedStatus: 200),
        Probe(operation: "POST /api/instruments/loads", uri: "/api/instruments/loads?name=x.csv&kind=nonsense", body: "x", expectedStatus: 400),
        Probe(operation: "POST /api/instruments/loads", uri: "/api/instruments/loads?name=complete.json.gz", body: "not gzip", expectedStatus: 422),
        Probe(operation: "POST /api/order/place", uri: "/api/order/place",
              body: #"{"symbol": "RELIANCE", "quantity": 10, "price": "1542.30", "product": "cnc"}"#, expectedStatus: 200),
        Probe(operation: "POST /api/order/place", uri: "/api/order/place", body: #"{"symbol": "RELIANCE"}"#, expectedStatus: 400),
        Probe(operation: "POST /api/order/place", uri: "/api/order/place",
              body: #"{"symbol": "RELIANCE", "quantity": 10, "prce": "1542.30"}"#, expectedStatus: 400),
        Probe(operation: "POST /api/order/place", uri: "/api/order/place",
              body: #"{"symbol": "RELIANCE", "quantity": 10, "price": "1542.30", "orderType": "MARKET"}"#, expectedStatus: 400),
        Probe(operation: "POST /api/order/place", uri: "/api/order/place",
              body: #"{"symbol": "RELIANCE", "quantity": 10, "orderType": "SL"}"#, expectedStatus: 400),
        Probe(operation: "POST /api/order/place", uri: "/api/order/place",
              body: #"{"symbol": "\#(FakeOrderService.rejectedSymbol)", "quantity": 10}"#, expectedStatus: 422),
        Probe(operation: "GET /api/order/status", uri: "/api/order/status?id=O-1", expectedStatus: 200),
        Probe(operation: "GET /api/order/status", uri: "/api/order/status", expectedStatus: 400),
        Probe(operation: "GET /api/order/status", uri: "/api/order/status?id=O-404", expectedStatus: 404),
        Probe(operation: "POST /api/order/cancel", uri: "/api/order/cancel?id=O-1", expectedStatus: 200),
        Probe(operation: "POST /api/order/cancel", uri: "/api/order/cancel?id=O-1", expectedStatus: 409),
        Probe(operation: "POST /api/order/cancel", uri: "/api/order/cancel?id=O-2", expectedStatus: 409),
        Probe(operation: "POST /api/order/cancel", uri: "/api/order/cancel?id=O-404", expectedStatus: 404),
        Probe(operation: "GET /api/orders", uri: "/api/orders?client=CLIENT1&open=true&limit=5", expectedStatus: 200),
        Probe(operation: "GET /api/orders", uri: "/api/orders", expectedStatus: 200),
        Probe(operation: "GET /api/orders", uri: "/api/orders?limit=0", expectedStatus: 400),
        Probe(operation: "GET /api/orders", uri: "/api/orders?limit=501", expectedStatus: 400),
        Probe(operation: "GET /api/orders", uri: "/api/orders?open=maybe", expectedStatus: 400),
        Probe(operation: "GET /api/orders", uri: "/api/orders?client=", expectedStatus: 400),
        Probe(operation: "GET /api/orders", uri: "/api/orders?before=0", expectedStatus: 400),
        Probe(operation: "GET /api/orders", uri: "/api/orders?limit=1&before=5", expectedStatus: 200),
        Probe(operation: "GET /", uri: "/", expectedStatus: 200),
        Probe(operation: "GET /dashboard.js", uri: "/dashboard.js", expectedStatus: 200),
        Probe(operation: "GET /dashboard.css", uri: "/dashboard.css", expectedStatus: 200),
        Probe(operation: "GET /api/portfolio", uri: "/api/portfolio?client=CLIENT1", expectedStatus: 200),
        Probe(operation: "GET /api/portfolio", uri: "/api/portfolio", expectedStatus: 200),
        Probe(operation: "GET /api/portfolio", uri: "/api/portfolio?client=", expectedStatus: 400),
        Probe(operation: "GET /api/limits/{client}", uri: "/api/limits/DEMO01", expectedStatus: 200),
        Probe(operation: "GET /api/limits/{client}", uri: "/api/limits/NOPE", expectedStatus: 404),
        Probe(operation: "GET /api/limits/{client}", uri: "/api/limits/\(String(repeating: "C", count: 65))", expectedStatus: 400),
        Probe(operation: "PUT /api/limits/{client}", uri: "/api/limits/DEMO01",
              body: #"{"by": "alice", "changes": [{"field": "maxOrderValue", "value": "500000"}, {"field": "symbolMaxOrderQuantity", "instrument": "NSE_EQ|INE002A01018", "value": "1000"}, {"field": "maxOpenOrders", "value": "20"}]}"#,
              expectedStatus: 200),
        Probe(operation: "PUT /api/limits/{client}", uri: "/api/limits/DEMO01", body: #"{"by": "alice", "changes": [{"field": "nonsense"}]}"#,
              expectedStatus: 400),
        Probe(operation: "PUT /api/limits/{client}", uri: "/api/limits/DEMO01",
              body: #"{"by": "alice", "changes": [{"field": "maxOpenOrders", "value": "many"}]}"#, expectedStatus: 400),
        Probe(operation: "PUT /api/limits/{client}", uri: "/api/limits/DEMO01", body: #"{"by": " ", "changes": []}"#, expectedStatus: 400),
        Probe(operation: "GET /api/limits/{client}", uri: "/api/limits/DEMO01", expectedStatus: 200),
        Probe(operation: "GET /api/margin/{client}", uri: "/api/margin/DEMO01", expectedStatus: 200),
        Probe(operation: "GET /api/margin/{client}", uri: "/api/margin/NOPE", expectedStatus: 404),
        Probe(operation: "POST /api/brokers/{broker}/reconcile", uri: "/api/brokers/PAPER/reconcile", expectedStatus: 200),
        Probe(operation: "POST /api/brokers/{broker}/reconcile", uri: "/api/brokers/NOPE/reconcile", expectedStatus: 404),
        Probe(operation: "POST /api/brokers/{broker}/reconcile", uri: "/api/brokers/VENUE/reconcile", expectedStatus: 409),
        Probe(operation: "POST /api/brokers/{broker}/reconcile", uri: "/api/brokers/DOWN/reconcile", expectedStatus: 502),
    ]

    @Test func everyDocumentedOperationIsServedAndAnswersAsDocumented() async throws {
        let doc = try Self.document()
        let byKey = Dictionary(doc.operations.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let probed = Set(Self.probes.map(\.operation))
        #expect(probed == Set(byKey.keys),
                "operations without a probe: \(Set(byKey.keys).subtracting(probed).sorted()); probes of undocumented operations: \(probed.subtracting(byKey.keys).sorted())")
        let seeded = try await SeededApp()
        let app = Application(router: try await Self.router(seeded))
        try await app.test(.router) { client in
            for probe in Self.probes {
                guard let operation = byKey[probe.operation] else { continue }
                let parts = probe.operation.split(separator: " ")
                let method = HTTPRequest.Method(rawValue: String(parts[0]))!
                let body = probe.body.map { ByteBuffer(string: $0) }
                var headers = HTTPFields()
                if probe.body != nil { headers[.contentType] = probe.operation.contains("loads") ? "application/octet-stream" : "application/json" }
                try await client.execute(uri: probe.uri, method: method, headers: headers, body: body) { res in
                    let status = Int(res.status.code)
                    let text = String(buffer: res.body)
                    #expect(status == probe.expectedStatus, "\(probe): \(status) \(text)")
                    guard let documented = operation.responses[status] else {
                        Issue.record("\(probe): status \(status) is not documented (documented: \(operation.responses.keys.sorted())); body \(text)")
                        return
                    }
                    if status >= 400 {
                        let error = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: res.body))
                        #expect(!["NOT_FOUND", "METHOD_NOT_ALLOWED"].contains(error.code), "\(probe): the route is not served: \(text)")
                        if let codes = documented.errorCodes {
                            #expect(codes.contains(error.code), "\(probe): code \(error.code) is not documented for \(status) (\(codes))")
                        }
                        #expect(!error.message.isEmpty)
                    } else if probe.operation == "GET /health" {
                        #expect(text == "ok")
                        #expect(res.headers[.contentType]?.hasPrefix("text/plain") == true)
                    } else if let asset = Dashboard.assets[probe.uri] {
                        #expect(res.headers[.contentType] == asset.contentType, "\(probe)")
                        #expect(text == asset.body, "\(probe)")
                    } else {
                        #expect(res.headers[.contentType]?.hasPrefix("application/json") == true, "\(probe)")
                        let schema = try #require(documented.schema, "\(probe): no schema documented for \(status)")
                        let json = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: res.body))
                        for problem in doc.problems(json, against: schema, at: "$") {
                            Issue.record("\(probe): \(problem)")
                        }
                    }
                }
            }
        }
    }

    /// Every upper-case string literal in the handlers (error codes, and the names the middleware gives
    /// Hummingbird's errors) is named in the document.
    @Test func everyErrorCodeTheHandlersNameIsDocumented() throws {
        let yaml = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("specs/openapi.yaml"), encoding: .utf8)
        let dir = Self.repositoryRoot.appendingPathComponent("Sources/OMSHTTP")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".swift") }
        let literal = try NSRegularExpression(pattern: #""([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)""#)
        var codes: Set<String> = []
        for file in files {
            let source = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let range = NSRange(source.startIndex..., in: source)
            for m in literal.matches(in: source, range: range) {
                codes.insert(String(source[Range(m.range(at: 1), in: source)!]))
            }
        }
        #expect(codes.count > 20, "found only \(codes.sorted())")
        let undocumented = codes.filter { !yaml.contains($0) }.sorted()
        #expect(undocumented.isEmpty, "codes the handlers use but the document does not name: \(undocumented)")
    }

    @Test func theReaderFindsEveryOperationAndSchema() throws {
        let doc = try Self.document()
        #expect(doc.operations.count == Self.registeredRoutes.count)
        let cancel = try #require(doc.operations.first { $0.key == "POST /api/order/cancel" })
        #expect(cancel.responses.keys.sorted() == [200, 400, 404, 409, 500])
        #expect(cancel.responses[409]?.errorCodes == ["TOO_LATE_TO_CANCEL", "CANCEL_PENDING"])
        #expect(cancel.responses[500]?.errorCodes == ["INTERNAL_ERROR"])
        #expect(cancel.responses[200]?.schema == "OrderDTO")
        #expect(doc.operations.first { $0.key == "POST /api/order/place" }?.responses[422]?.errorCodes == nil)
        let dto = try #require(doc.schemas["OrderDTO"])
        #expect(dto.required.contains("averagePrice") && !dto.required.contains("price"))
        #expect(dto.properties["averagePrice"]?.ref == "Price")
        #expect(doc.schemas["LimitsResponse"]?.properties["changes"]?.itemsRef == "LimitChangeDTO")
        #expect(doc.schemas["RiskLimits"]?.properties["symbolCaps"]?.valuesRef == "SymbolCap")
        #expect(doc.schemas["Price"]?.pattern != nil)
        for (name, schema) in doc.schemas {
            for (property, p) in schema.properties {
                for ref in [p.ref, p.itemsRef, p.valuesRef].compactMap({ $0 }) {
                    #expect(doc.schemas[ref] != nil, "\(name).\(property) refers to unknown schema \(ref)")
                }
            }
        }
    }
}

// MARK: - An in-memory order service

/// Orders in memory: placing one answers PendingNew (or Rejected for `rejectedSymbol`), the first cancel of a
/// working order answers PendingCancel, and the portfolio holds one marked position.
actor FakeOrderService: OrderService {
    static let rejectedSymbol = "REJECTME"
    var orders: [OrderID: OrderSnapshot] = [:]
    var sequence = 0

    func place(_ request: OrderRequest) -> OrderSnapshot {
        sequence += 1
        let terms = OrderTerms(quantity: request.quantity, limitPrice: request.limitPrice, triggerPrice: request.triggerPrice)
        var order = OrderSnapshot(id: OrderID("O-\(sequence)"), sequence: sequence, source: request.source,
                                  clientOrderID: request.clientOrderID, request: request, product: request.product ?? .cnc,
                                  broker: request.broker ?? .paper, lifecycle: .submitted(terms))
        if request.lookup.symbol == Self.rejectedSymbol {
            order.lifecycle = .closed(PendingNewOrder(terms: terms).rejected())
            order.rejectCode = "RISK_CLIENT_LIMIT"
            order.rejectText = "RISK_CLIENT_LIMIT: rule=limitsNotConfigured"
        }
        orders[order.id] = order
        return order
    }

    func order(_ id: OrderID) -> OrderSnapshot? { orders[id] }

    func orders(client: ClientID?, openOnly: Bool, limit: Int, before: Int?) -> OrderListPage {
        let chosen = orders.values.filter { o in
            (client == nil || o.client == client) && (!openOnly || o.lifecycle.state != .closed) && o.sequence < (before ?? .max)
        }.sorted { $0.sequence > $1.sequence }
        return OrderListPage(orders: Array(chosen.prefix(limit)), older: chosen.count > limit ? chosen[limit - 1].sequence : nil)
    }

    func cancel(_ id: OrderID) -> OrderCancelOutcome {
        guard var order = orders[id] else { return .unknown }
        switch order.lifecycle {
        case .pendingNew(let p):
            if case .partiallyFilled(let w) = p.accepted().fill(Quantity(4), at: Price(units: 15_423_000)) {
                order.lifecycle = .pendingCancel(w.requestCancel())
            }
            order.brokerOrderID = "PAPER-1"
            order.rawStatus = "open"
            orders[id] = order
            return .requested(order)
        case .closed: return .refused(.tooLate, "order is closed")
        default: return .refused(.alreadyPending, "order has a request pending")
        }
    }

    nonisolated func portfolio(client: ClientID?) async -> [MergedPosition] {
        let key = PortfolioKey(client: ClientID("CLIENT1"), broker: .paper, instrumentKey: InstrumentKey("NSE_EQ|INE002A01018"),
                               product: .cnc)
        var position = PortfolioPosition(key: key, symbol: "RELIANCE", tradingDay: 20_600)
        position.dayBuyQuantity = 10
        position.dayBuyValueUnits = 10 * 15_423_000
        position.netQuantity = 10
        position.openCostUnits = 10 * 15_423_000
        return PortfolioBook([position]).merged(client: client) { _ in Price("1550.05") }
    }
}

// MARK: - JSON values

/// Any JSON value, to check an answer against the document's schemas.
enum JSONValue: Decodable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

// MARK: - The document, as far as the tests read it

/// `specs/openapi.yaml` read line by line. Not a YAML parser: it relies on the document's layout (two-space
/// indentation; paths at 2, methods at 4, `responses` at 6, status codes at 8; component schemas at 4, their
/// keys at 6, properties at 8, property keys at 10, `items`/`additionalProperties` contents at 12; lists in
/// flow style `[a, b]` on one line) and skips the contents of block scalars (`description: |`).
struct OpenAPIDocument {
    struct Response {
        /// The `code` enum of an error answer; nil when any code may come (e.g. a reject code).
        var errorCodes: [String]?
        /// The component schema of the answer (`$ref: '#/components/schemas/X'`).
        var schema: String?
    }

    struct Operation {
        var method: String
        var path: String
        var responses: [Int: Response] = [:]
        var key: String { "\(method) \(path)" }
    }

    struct Property {
        var type: String?
        var ref: String?
        var itemsRef: String?
        var valuesRef: String?
    }

    struct Schema {
        var type: String?
        var pattern: String?
        var required: [String] = []
        var properties: [String: Property] = [:]
    }

    struct Line {
        var number: Int
        var indent: Int
        var text: String
        /// `key` of a `key: value` or `key:` line.
        var key: String? {
            guard !text.hasPrefix("-"), let colon = text.firstIndex(of: ":") else { return nil }
            return OpenAPIDocument.unquote(String(text[..<colon]))
        }
        var value: String {
            guard let colon = text.firstIndex(of: ":") else { return "" }
            return text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    var operations: [Operation] = []
    var schemas: [String: Schema] = [:]

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    init(yaml: String) throws {
        let lines = Self.structuralLines(yaml)
        let sections = Self.children(in: lines[...], indent: 0)
        guard let paths = sections["paths"] else { throw ReaderError("no `paths:`") }
        let componentResponses: [String: Response]
        if let components = sections["components"] {
            let parts = Self.children(in: components, indent: 2)
            componentResponses = Self.children(in: parts["responses"] ?? [], indent: 4).mapValues(Self.response)
            schemas = Self.children(in: parts["schemas"] ?? [], indent: 4).mapValues(Self.schema)
        } else {
            componentResponses = [:]
        }
        for (path, pathBody) in Self.orderedChildren(of: paths, indent: 2) where path.hasPrefix("/") {
            for (method, opBody) in Self.orderedChildren(of: pathBody, indent: 4) where Self.methods.contains(method) {
                var op = Operation(method: method.uppercased(), path: path)
                let responses = Self.children(in: opBody, indent: 6)["responses"] ?? []
                for (status, body) in Self.orderedChildren(of: responses, indent: 8) {
                    guard let code = Int(status) else { throw ReaderError("\(op.key): status `\(status)`") }
                    if let ref = body.first(where: { $0.key == "$ref" }), ref.indent == 10 {
                        let name = String(Self.unquote(ref.value).split(separator: "/").last ?? "")
                        guard let shared = componentResponses[name] else { throw ReaderError("\(op.key): no response \(name)") }
                        op.responses[code] = shared
                    } else {
                        op.responses[code] = Self.response(body)
                    }
                }
                guard !op.responses.isEmpty else { throw ReaderError("\(op.key) documents no response") }
                operations.append(op)
            }
        }
    }

    struct ReaderError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = "specs/openapi.yaml: \(d)" }
    }

    // MARK: Reading

    /// Non-blank, non-comment lines, without the contents of block scalars.
    static func structuralLines(_ yaml: String) -> [Line] {
        var out: [Line] = []
        var blockIndent: Int?
        for (i, raw) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let indent = raw.prefix { $0 == " " }.count
            if let b = blockIndent {
                if indent > b { continue }
                blockIndent = nil
            }
            let line = Line(number: i + 1, indent: indent, text: text)
            if line.key != nil, ["|", ">", "|-", ">-"].contains(line.value) { blockIndent = indent }
            out.append(line)
        }
        return out
    }

    /// The `key:` lines at `indent` among `lines`, each with the lines below it, in document order.
    static func orderedChildren(of lines: ArraySlice<Line>, indent: Int) -> [(String, ArraySlice<Line>)] {
        var out: [(String, ArraySlice<Line>)] = []
        var current: (String, Int)?
        for i in lines.indices {
            let line = lines[i]
            guard line.indent <= indent else { continue }
            if let (k, start) = current { out.append((k, lines[start..<i])) }
            current = line.indent == indent ? line.key.map { ($0, i + 1) } : nil
        }
        if let (k, start) = current { out.append((k, lines[start..<lines.endIndex])) }
        return out
    }

    static func children(in lines: ArraySlice<Line>, indent: Int) -> [String: ArraySlice<Line>] {
        Dictionary(orderedChildren(of: lines, indent: indent), uniquingKeysWith: { a, _ in a })
    }

    static func response(_ body: ArraySlice<Line>) -> Response {
        var r = Response()
        if let e = body.first(where: { $0.key == "enum" }) { r.errorCodes = list(e.value) }
        if let ref = body.first(where: { $0.key == "$ref" && $0.value.contains("#/components/schemas/") }),
           !body.contains(where: { $0.key == "allOf" }) {
            r.schema = refName(ref.value)
        }
        return r
    }

    static func schema(_ body: ArraySlice<Line>) -> Schema {
        var s = Schema()
        let keys = children(in: body, indent: 6)
        for line in body where line.indent == 6 {
            switch line.key {
            case "type": s.type = unquote(line.value)
            case "pattern": s.pattern = unquote(line.value)
            case "required": s.required = list(line.value)
            default: break
            }
        }
        for (name, pbody) in orderedChildren(of: keys["properties"] ?? [], indent: 8) {
            var p = Property()
            var container: String?
            for line in pbody {
                if line.indent == 10 {
                    container = line.key
                    if line.key == "type", !line.value.hasPrefix("[") { p.type = unquote(line.value) }
                    if line.key == "$ref" { p.ref = refName(line.value) }
                } else if line.indent == 12, line.key == "$ref" {
                    if container == "items" { p.itemsRef = refName(line.value) }
                    if container == "additionalProperties" { p.valuesRef = refName(line.value) }
                }
            }
            s.properties[name] = p
        }
        return s
    }

    static func unquote(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespaces)
        if t.count >= 2, let f = t.first, f == "'" || f == "\"", t.last == f { t = String(t.dropFirst().dropLast()) }
        return t
    }

    static func list(_ flow: String) -> [String] {
        let t = flow.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("["), t.hasSuffix("]") else { return [unquote(t)] }
        return t.dropFirst().dropLast().split(separator: ",").map { unquote(String($0)) }
    }

    static func refName(_ value: String) -> String { String(unquote(value).split(separator: "/").last ?? "") }

    // MARK: Checking answers

    /// What is wrong with `value` as an instance of the component schema `name` (empty: nothing).
    func problems(_ value: JSONValue, against name: String, at path: String) -> [String] {
        guard let schema = schemas[name] else { return ["\(path): unknown schema \(name)"] }
        var out: [String] = []
        if let type = schema.type, !Self.matches(value, type: type) {
            return ["\(path): a \(value.kind), \(name) is a \(type)"]
        }
        if let pattern = schema.pattern, case .string(let s) = value,
           s.range(of: pattern, options: .regularExpression) == nil {
            out.append("\(path): `\(s)` does not match the \(name) pattern \(pattern)")
        }
        guard case .object(let fields) = value, !schema.properties.isEmpty else { return out }
        for key in schema.required where fields[key] == nil { out.append("\(path): required field `\(key)` is missing") }
        for (key, v) in fields.sorted(by: { $0.key < $1.key }) {
            guard let p = schema.properties[key] else {
                out.append("\(path).\(key): not a documented field of \(name)")
                continue
            }
            if case .null = v { out.append("\(path).\(key): null (absent values are left out)") }
            if let type = p.type, !Self.matches(v, type: type) {
                out.append("\(path).\(key): a \(v.kind), documented as \(type)")
            }
            if let ref = p.ref { out += problems(v, against: ref, at: "\(path).\(key)") }
            if let ref = p.itemsRef, case .array(let items) = v {
                for (i, item) in items.enumerated() { out += problems(item, against: ref, at: "\(path).\(key)[\(i)]") }
            }
            if let ref = p.valuesRef, case .object(let map) = v {
                for (k, item) in map { out += problems(item, against: ref, at: "\(path).\(key)[\(k)]") }
            }
        }
        return out
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("integer", .integer), ("boolean", .bool), ("array", .array), ("object", .object),
             ("number", .integer), ("number", .number):
            true
        default: false
        }
    }
}

/// Reconciliation as the routes see it: PAPER has one missing fill, VENUE cannot be reconciled, DOWN is down.
struct FakeReconciler: BrokerReconciling {
    func reconcile(_ broker: BrokerID) async throws -> ReconciliationReportDTO {
        switch broker.rawValue {
        case "PAPER":
            return ReconciliationReportDTO(runId: 1, broker: "PAPER", at: 1_795_570_200_000, vegaOrders: 1, differences: [
                .init(kind: "MISSING_FILL", orderId: "O-1", brokerOrderId: "PB1", instrumentKey: "NSE_EQ|INE002A01018",
                      product: "CNC", vega: "0", broker: "10", detail: "O-1: the broker filled 10, Vega saw 0"),
            ])
        case "VENUE": throw BrokerReconciliationError.notSupported(broker)
        case "DOWN": throw BrokerReconciliationError.brokerFailed(broker, "connection refused")
        default: throw BrokerReconciliationError.unknownBroker(broker, known: [.paper, BrokerID("VENUE"), BrokerID("DOWN")])
        }
    }
}

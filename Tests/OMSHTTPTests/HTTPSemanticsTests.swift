import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OMSAPIModels
import OMSCore
import OMSHTTP
import Testing

/// HTTP's own rules on the server's router (the one `vega-oms` builds): HEAD wherever GET is, 405 with
/// `Allow` for a path served with other methods, 404 for a path not served, path parameters percent-decoded.
@Suite struct HTTPSemanticsTests {
    func withServer(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let seeded = try await SeededApp()
        let app = Application(router: try await OpenAPIDocumentTests.router(seeded))
        try await app.test(.live) { client in try await body(client) }
        withExtendedLifetime(seeded) {}
    }

    func error(_ r: TestResponse) throws -> APIErrorBody {
        try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
    }

    @Test func headAnswersWhereGetDoesWithoutABody() async throws {
        try await withServer { client in
            for uri in ["/health", "/api/portfolio", "/api/instruments/search?query=RELIANCE", "/api/limits/DEMO01"] {
                let length = try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .ok, "GET \(uri)")
                    return r.body.readableBytes
                }
                try await client.execute(uri: uri, method: .head) { r in
                    #expect(r.status == .ok, "HEAD \(uri)")
                    #expect(r.body.readableBytes == 0, "HEAD \(uri) has no body")
                    #expect(r.headers[.contentLength].flatMap(Int.init) == length, "HEAD \(uri) names GET's length")
                }
            }
            // HEAD of a path that is not served: 404, no body.
            try await client.execute(uri: "/api/nothing", method: .head) { r in
                #expect(r.status == .notFound)
                #expect(r.body.readableBytes == 0)
            }
        }
    }

    @Test(arguments: [
        ("/api/portfolio", HTTPRequest.Method.delete, "GET, HEAD"),
        ("/api/order/place", .get, "POST"),
        ("/api/order/status?id=O-1", .post, "GET, HEAD"),
        ("/api/limits/DEMO01", .post, "GET, HEAD, PUT"),
        ("/api/margin/DEMO01", .put, "GET, HEAD"),
        ("/api/brokers/PAPER/reconcile", .get, "POST"),
        ("/health", .trace, "GET, HEAD"),
    ])
    func aServedPathAskedWithAnotherMethodAnswers405WithAllow(_ uri: String, _ method: HTTPRequest.Method,
                                                              _ allow: String) async throws {
        try await withServer { client in
            try await client.execute(uri: uri, method: method) { r in
                #expect(r.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(r.headers[.allow] == allow)
                let e = try error(r)
                #expect(e.code == "METHOD_NOT_ALLOWED")
                #expect(e.message.contains(method.rawValue) && e.message.contains(allow), "\(e.message)")
            }
        }
    }

    @Test(arguments: ["/api/nothing", "/api/limits", "/api/limits/DEMO01/extra", "/api/brokers/PAPER"])
    func aPathNotServedAnswers404(_ uri: String) async throws {
        try await withServer { client in
            try await client.execute(uri: uri, method: .get) { r in
                #expect(r.status == .notFound, "\(uri)")
                #expect(r.headers[.allow] == nil)
                let e = try error(r)
                #expect(e.code == "NOT_FOUND")
            }
        }
    }

    @Test func pathParametersArePercentDecoded() async throws {
        try await withServer { client in
            // DEMO01 spelled with an escaped D is DEMO01, not a client named "%44EMO01".
            try await client.execute(uri: "/api/limits/%44EMO01", method: .get) { r in
                #expect(r.status == .ok)
                let out = try JSONDecoder().decode(LimitsResponse.self, from: Data(buffer: r.body))
                #expect(out.client == "DEMO01")
            }
            // A client id with a space and a slash, as trader-cli sends it (each segment percent-encoded).
            let edit = LimitsUpdateRequest(by: "alice", changes: [RiskLimitEdit(field: .maxOrderValue, value: "1000")])
            try await client.execute(uri: "/api/limits/DESK%201%2FA", method: .put,
                                     body: ByteBuffer(data: try JSONEncoder().encode(edit))) { r in
                #expect(r.status == .ok)
                let out = try JSONDecoder().decode(LimitsResponse.self, from: Data(buffer: r.body))
                #expect(out.client == "DESK 1/A")
            }
            try await client.execute(uri: "/api/margin/DESK%201%2FA", method: .get) { r in
                #expect(r.status != .badRequest)
            }
            try await client.execute(uri: "/api/brokers/PAPE%52/reconcile", method: .post) { r in
                #expect(r.status == .ok, "PAPE%52 is PAPER")
            }
        }
    }

    @Test(arguments: [
        ("/api/limits/%ZZ", "INVALID_CLIENT", "percent-encoded"),
        ("/api/limits/%C3%28", "INVALID_CLIENT", "percent-encoded"),
        ("/api/limits/A%0CB", "INVALID_CLIENT", "control characters"),
        ("/api/limits/" + String(repeating: "%41", count: 65), "INVALID_CLIENT", "1…64 characters (got 65)"),
        ("/api/margin/%ZZ", "INVALID_CLIENT", "percent-encoded"),
    ])
    func badPathParametersAre400NamingTheProblem(_ uri: String, _ code: String, _ says: String) async throws {
        try await withServer { client in
            try await client.execute(uri: uri, method: .get) { r in
                #expect(r.status == .badRequest, "\(uri)")
                let e = try error(r)
                #expect(e.code == code)
                #expect(e.message.contains(says), "\(e.message)")
            }
            try await client.execute(uri: "/api/brokers/%ZZ/reconcile", method: .post) { r in
                #expect(r.status == .badRequest)
                let e = try error(r)
                #expect(e.code == "INVALID_BROKER")
            }
        }
    }

    /// Texts of a REST order travel on into FIX messages (drop copies, a downstream venue) and rejection texts:
    /// one with a control character (an SOH would split a FIX field) is refused, naming the field.
    @Test(arguments: [
        ("symbol", "INVALID_SYMBOL"), ("exchange", "INVALID_EXCHANGE"), ("broker", "INVALID_BROKER"),
        ("client", "INVALID_CLIENT"), ("clientOrderId", "INVALID_CLIENT_ORDER_ID"),
    ])
    func orderTextsWithControlCharactersAreRefused(_ field: String, _ code: String) async throws {
        try await withServer { client in
            var body: [String: Any] = ["symbol": "RELIANCE", "quantity": 1, "price": "1542.3", "product": "CNC"]
            body[field] = field == "symbol" ? "RELI\u{01}ANCE" : "X\u{01}58=evil"
            let data = try JSONSerialization.data(withJSONObject: body)
            try await client.execute(uri: "/api/order/place", method: .post, body: ByteBuffer(data: data)) { r in
                #expect(r.status == .badRequest)
                let e = try error(r)
                #expect(e.code == code)
                #expect(e.message == "\(field) must not contain control characters")
            }
        }
    }

    /// Foundation's decoder calls a fraction or an out-of-range number "not valid JSON" for the whole body;
    /// the answer names the field and the number instead.
    @Test(arguments: [("1.5", "1.5"), ("1e30", "1000000000000000000000000000000"), ("99999999999999999999", "99999999999999999999")])
    func aQuantityThatIsNotAWholeInt64IsNamedInTheError(_ raw: String, _ shown: String) async throws {
        try await withServer { client in
            let body = #"{"symbol":"RELIANCE","quantity":\#(raw),"price":"1542.3","product":"CNC"}"#
            try await client.execute(uri: "/api/order/place", method: .post, body: ByteBuffer(string: body)) { r in
                #expect(r.status == .badRequest)
                let e = try error(r)
                #expect(e.code == "INVALID_BODY")
                #expect(e.message == "order body is not valid: field `quantity`: must be a whole number within Int64, got \(shown)")
            }
        }
    }

    /// A field an order does not have, or a price its type would ignore, is refused rather than dropped: a
    /// mistyped `prce` used to place a market order.
    @Test(arguments: [
        (#""prce":"1500""#, "INVALID_BODY", "order body is not valid: field `prce`: not a field of an order (" + PlaceOrderRequest.fieldNames + ")"),
        (#""price":"1500","orderType":"MARKET""#, "UNEXPECTED_PRICE",
         "a MARKET order takes no price (got 1500); send orderType LIMIT for a limit price"),
        (#""price":"1500","triggerPrice":"1490","orderType":"SL-M""#, "UNEXPECTED_PRICE",
         "a SL-M order takes no price (got 1500); send orderType SL for a limit price"),
        (#""price":"1500","triggerPrice":"1490""#, "UNEXPECTED_TRIGGER_PRICE",
         "a LIMIT order takes no triggerPrice (got 1490); send orderType SL for a stop order"),
        (#""triggerPrice":"1490","orderType":"MARKET""#, "UNEXPECTED_TRIGGER_PRICE",
         "a MARKET order takes no triggerPrice (got 1490); send orderType SL-M for a stop order"),
    ])
    func aFieldTheOrderWouldIgnoreIs400(_ fields: String, _ code: String, _ message: String) async throws {
        try await withServer { client in
            let body = #"{"symbol":"RELIANCE","quantity":1,"product":"CNC",\#(fields)}"#
            try await client.execute(uri: "/api/order/place", method: .post, body: ByteBuffer(string: body)) { r in
                #expect(r.status == .badRequest)
                let e = try error(r)
                #expect(e.code == code)
                #expect(e.message == message)
            }
        }
    }

    @Test(arguments: [("0", "0"), ("-5", "-5")])
    func aTriggerPriceThatIsNotPositiveIs400(_ raw: String, _ shown: String) async throws {
        try await withServer { client in
            let body = #"{"symbol":"RELIANCE","quantity":1,"price":"1542.3","triggerPrice":"\#(raw)","orderType":"SL","product":"CNC"}"#
            try await client.execute(uri: "/api/order/place", method: .post, body: ByteBuffer(string: body)) { r in
                #expect(r.status == .badRequest)
                let e = try error(r)
                #expect(e.code == "INVALID_TRIGGER_PRICE" && e.message == "triggerPrice must be positive, got \(shown)")
            }
        }
    }

    /// Without API keys: a web page of another origin cannot post an order (CSRF), and a foreign host name
    /// (DNS rebinding) is refused; loopback origins, IP-literal hosts and clients without Origin pass.
    @Test func withoutKeysOtherOriginsAndForeignHostNamesAreRefused() async throws {
        try await withServer { client in
            let body = ByteBuffer(string: #"{"symbol":"RELIANCE","quantity":1,"price":"1542.3","product":"CNC"}"#)
            for (origin, status, code) in [("http://evil.example", HTTPResponse.Status.forbidden, "CROSS_ORIGIN"),
                                           ("null", .forbidden, "CROSS_ORIGIN"),
                                           ("http://localhost.evil.example:8080", .forbidden, "CROSS_ORIGIN")] {
                try await client.execute(uri: "/api/order/place", method: .post, headers: [.origin: origin], body: body) { r in
                    #expect(r.status == status, "\(origin)")
                    let e = try error(r)
                    #expect(e.code == code)
                }
            }
            try await client.execute(uri: "/api/portfolio", method: .get, headers: [.origin: "http://127.0.0.1:8080"]) { r in
                #expect(r.status == .ok)
            }
        }
    }

    /// A page this server served under its own address (the dashboard at `http://10.0.0.5:8080/` with
    /// `--http-host 10.0.0.5`) sends that Origin: it is the request's own Host, so it passes; any other does not.
    @Test(arguments: [("http://10.0.0.5:8080", "10.0.0.5:8080", true), ("https://10.0.0.5:8080", "10.0.0.5:8080", true),
                      ("http://10.0.0.5:8080", "10.0.0.5:9090", false), ("http://10.0.0.6:8080", "10.0.0.5:8080", false),
                      ("http://evil.example", "evil.example", true), ("http://10.0.0.5:8080", nil, false),
                      ("null", "10.0.0.5:8080", false)])
    func anOriginEqualToTheRequestsHostIsThisServersOwnPage(_ origin: String, _ host: String?, _ same: Bool) {
        // (`evil.example` as its own Host is same-origin here, and refused as BAD_HOST by the Host rule.)
        #expect(LocalOnlyMiddleware<BasicRequestContext>.isSameOrigin(origin, host: host) == same)
    }

    /// The Host rule (the test client cannot set Host; its own is an IP literal or localhost and passes).
    @Test(arguments: [("evil.example:8080", false), ("localhost.evil.example", false), ("localhost:8080", true),
                      ("127.0.0.1", true), ("10.0.0.5:8080", true), ("[::1]:8080", true), ("1.2.3", false)])
    func onlyLoopbackNamesAndIPLiteralsAreServedWithoutKeys(_ host: String, _ allowed: Bool) {
        #expect(LocalOnlyMiddleware<BasicRequestContext>.isAllowedHost(host) == allowed)
    }

    @Test func aPortfolioClientWithAControlCharacterIsRefused() async throws {
        try await withServer { client in
            try await client.execute(uri: "/api/portfolio?client=A%01B", method: .get) { r in
                #expect(r.status == .badRequest)
                let e = try error(r)
                #expect(e.code == "INVALID_CLIENT")
            }
        }
    }
}

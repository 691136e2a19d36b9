import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OMSAPIModels
import OMSHTTP
import Testing

/// The dashboard's assets as the router serves them, and what the script relies on (the process test
/// `VegaOMSDashboardTests` drives it against a real server).
@Suite struct DashboardTests {
    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let re = try NSRegularExpression(pattern: pattern)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    static var page: String { Dashboard.assets["/"]!.body }
    static var script: String { Dashboard.assets["/dashboard.js"]!.body }

    @Test func theScriptAsksOnlyForRoutesTheServerServes() async throws {
        let seeded = try await SeededApp()
        let served = Set(try await OpenAPIDocumentTests.router(seeded).routes.map { "\($0.method) \($0.path)" })
        // A path ending in "/" continues with a path parameter (the client): the route's `{client}`.
        let calls = try Self.matches(#"api\("([A-Z]+", "/api/[a-z/]+)"#, in: Self.script)
            .map { $0.replacingOccurrences(of: "\", \"", with: " ") }
            .map { $0.hasSuffix("/") ? $0 + "{client}" : $0 }
        #expect(Set(calls) == ["GET /api/portfolio", "GET /api/orders", "POST /api/order/cancel", "POST /api/order/place",
                               "GET /api/instruments/search", "GET /api/margin/{client}"], "\(calls)")
        for call in calls { #expect(served.contains(call), "the script calls \(call), which the server does not serve") }
        // The page's own assets are served.
        for asset in try Self.matches(#"(?:src|href)="(/[^"]*)""#, in: Self.page) {
            #expect(Dashboard.assets[asset] != nil, "the page names \(asset), which is not served")
        }
    }

    @Test func everyElementTheScriptUsesIsOnThePage() throws {
        let ids = Set(try Self.matches(#"\sid="([^"]+)""#, in: Self.page))
        let used = Set(try Self.matches(#"\$\("([^"]+)"\)"#, in: Self.script))
        #expect(used.count > 10, "\(used)")
        #expect(used.subtracting(ids).isEmpty, "the script uses elements the page lacks: \(used.subtracting(ids).sorted())")
        // The order form's fields are exactly those the script puts into the order: the optional texts it
        // copies (its one list), the symbol and quantity, and the after-market box.
        let names = Set(try Self.matches(#"name="([A-Za-z]+)""#, in: Self.page))
        let copied = try #require(try Self.matches(#"for \(const name of \[([^\]]+)\]\)"#, in: Self.script).first)
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        #expect(Set(copied) == ["exchange", "side", "orderType", "price", "triggerPrice", "product", "validity", "broker", "client"])
        #expect(names.subtracting(["viewport"]) == Set(copied).union(["symbol", "quantity", "afterMarket"]), "\(names)")
        for field in ["symbol", "quantity", "afterMarket"] {
            #expect(Self.script.contains("data.get(\"\(field)\")"), "the script does not read \(field)")
        }
    }

    /// Values from the API (symbols, reject texts, client ids) go onto the page as text, never as markup.
    @Test func theScriptNeverWritesMarkup() throws {
        for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "javascript:"] {
            #expect(!Self.script.contains(sink), "the script uses \(sink)")
        }
        #expect(!Self.page.contains("<script>"), "inline script (the policy allows only /dashboard.js)")
        #expect(try Self.matches(#"\s(on[a-z]+)="#, in: Self.page).isEmpty, "inline handler")
    }

    @Test func assetsCarryTheirTypeAndASecurityPolicy() async throws {
        let seeded = try await SeededApp()
        let app = Application(router: try await OpenAPIDocumentTests.router(seeded))
        try await app.test(.router) { client in
            for (path, asset) in Dashboard.assets {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType] == asset.contentType)
                    let policy = r.headers[.contentSecurityPolicy] ?? ""
                    #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'")
                            && policy.contains("frame-ancestors 'none'"), "\(policy)")
                    #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(String(buffer: r.body) == asset.body)
                }
            }
        }
    }

    /// With API keys the page, its script and stylesheet load without one (a browser cannot send one when it
    /// opens a page); the data, other methods and other spellings of the paths still need a key.
    @Test func withAPIKeysOnlyTheAssetsNeedNoKey() async throws {
        let seeded = try await SeededApp()
        let router = OMSRouterBuilder.build(referenceData: seeded.service, orders: FakeOrderService(), apiKeys: ["k-1"])
        try await Application(router: router).test(.router) { client in
            for path in Dashboard.assets.keys {
                for method in [HTTPRequest.Method.get, .head] {
                    try await client.execute(uri: path, method: method) { r in #expect(r.status == .ok, "\(method) \(path)") }
                }
                try await client.execute(uri: path, method: .post) { r in #expect(r.status == .unauthorized, "POST \(path)") }
            }
            for uri in ["/api/orders", "/dashboard.js/../api/orders", "//", "/dashboard.js?x=/api/orders", "/index.html"] {
                try await client.execute(uri: uri, method: .get) { r in
                    // A query string does not change the path: the script itself is served.
                    let expected: HTTPResponse.Status = uri.hasPrefix("/dashboard.js?") ? .ok : .unauthorized
                    #expect(r.status == expected, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/orders", method: .get, headers: [.authorization: "Bearer k-1"]) { r in
                #expect(r.status == .ok)
            }
        }
        // Without an order service there is no dashboard, and nothing but /health is open.
        let bare = OMSRouterBuilder.build(referenceData: seeded.service, apiKeys: ["k-1"])
        try await Application(router: bare).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in #expect(r.status == .unauthorized) }
        }
    }

    @Test func theOrderListFiltersAndLimits() async throws {
        let seeded = try await SeededApp()
        let app = Application(router: try await OpenAPIDocumentTests.router(seeded))
        try await app.test(.router) { client in
            for (symbol, clientID) in [("RELIANCE", "CLIENT1"), ("SBIN", "CLIENT2"), (FakeOrderService.rejectedSymbol, "CLIENT1")] {
                let body = #"{"symbol": "\#(symbol)", "quantity": 1, "client": "\#(clientID)"}"#
                try await client.execute(uri: "/api/order/place", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: body)) { _ in }
            }
            func list(_ query: String) async throws -> OrderListDTO {
                try await client.execute(uri: "/api/orders" + query, method: .get) { r in
                    #expect(r.status == .ok, "\(query)")
                    return try JSONDecoder().decode(OrderListDTO.self, from: Data(buffer: r.body))
                }
            }
            #expect(try await list("").orders.map(\.orderId) == ["O-3", "O-2", "O-1"])
            #expect(try await list("?limit=2").orders.map(\.orderId) == ["O-3", "O-2"])
            #expect(try await list("?client=CLIENT1").orders.map(\.orderId) == ["O-3", "O-1"])
            let open = try await list("?client=CLIENT1&open=true")
            #expect(open.orders.map(\.orderId) == ["O-1"] && open.openOnly && open.client == "CLIENT1" && open.count == 1)
            for (query, code) in [("?limit=x", "INVALID_LIMIT"), ("?limit=-1", "INVALID_LIMIT"), ("?open=yes", "INVALID_OPEN"),
                                  ("?client=%01", "INVALID_CLIENT")] {
                try await client.execute(uri: "/api/orders" + query, method: .get) { r in
                    #expect(r.status == .badRequest, "\(query)")
                    let error = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
                    #expect(error.code == code, "\(query): \(error)")
                }
            }
        }
    }
}

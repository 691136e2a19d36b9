import Foundation
import Hummingbird
import OMSAPIModels
import OMSCore
import ReferenceData

/// `/api/instruments`: search (autocomplete), resolve (the FIX resolver over HTTP) and loads (upload a
/// daily file). Mount with `router.addRoutes(InstrumentRoutes(service:).collection, atPath: "/api/instruments")`.
public struct InstrumentRoutes<Context: RequestContext>: Sendable {
    public static var maxLimit: Int { 100 }
    public static var defaultLimit: Int { 10 }
    /// Largest upload accepted by `POST /loads`.
    public static var maxUploadBytes: Int { 512 << 20 }

    public let service: ReferenceDataService

    public init(service: ReferenceDataService) { self.service = service }

    public var collection: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("search") { request, _ in try self.search(request) }
        routes.get("resolve") { request, _ in try self.resolve(request) }
        routes.post("loads") { request, context in try await self.load(request, context: context) }
        return routes
    }

    /// `GET /search?query=RELIANCE&limit=10`.
    func search(_ request: Request) throws -> InstrumentSearchResponse {
        let params = request.uri.queryParameters
        guard let raw = params["query"] ?? params["q"] else {
            throw APIError(.badRequest, code: "MISSING_QUERY", message: "query parameter `query` is required")
        }
        let query = raw.replacingOccurrences(of: "+", with: " ").trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else {
            throw APIError(.badRequest, code: "MISSING_QUERY", message: "query parameter `query` must not be empty")
        }
        guard query.count <= 100 else {
            throw APIError(.badRequest, code: "QUERY_TOO_LONG", message: "query is longer than 100 characters")
        }
        let limit = try limitParameter(params["limit"], default: Self.defaultLimit, max: Self.maxLimit)
        let results = service.search(query, limit: limit).map(InstrumentDTO.init)
        return InstrumentSearchResponse(query: query, limit: limit, results: results)
    }

    /// `GET /resolve?symbol=RELIANCE&exchange=NSE` (also securityID, securityIDSource, securityType,
    /// maturityDate, maturityMonthYear, putOrCall (CE/PE or FIX 0/1), strike).
    func resolve(_ request: Request) throws -> InstrumentDTO {
        let p = request.uri.queryParameters
        func s(_ k: String) -> String? { p[Substring(k)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var lookup = InstrumentLookup(symbol: s("symbol"), exchange: s("exchange"), securityID: s("securityID"),
                                      securityIDSource: s("securityIDSource"), securityType: s("securityType"),
                                      maturityDate: s("maturityDate"), maturityMonthYear: s("maturityMonthYear"))
        if let pc = s("putOrCall") {
            switch pc.uppercased() {
            case "CE", "1", "CALL": lookup.putOrCall = .call
            case "PE", "0", "PUT": lookup.putOrCall = .put
            default: throw APIError(.badRequest, code: "INVALID_PUT_OR_CALL", message: "putOrCall must be CE/PE or 1/0")
            }
        }
        if let k = s("strike") {
            guard let price = Price(k) else {
                throw APIError(.badRequest, code: "INVALID_STRIKE", message: "strike `\(k)` is not a price")
            }
            lookup.strikePrice = price
        }
        switch service.resolver.resolve(lookup) {
        case .success(let i): return InstrumentDTO(i)
        case .failure(let r):
            let status: HTTPResponse.Status
            switch r {
            case .unknownSymbol: status = .notFound
            case .inactiveInstrument: status = .gone
            case .ambiguousSymbol: status = .conflict
            case .invalidLookup: status = .badRequest
            }
            throw APIError(status, code: r.code, message: r.description)
        }
    }

    /// `POST /loads?kind=bod&name=complete.json.gz` with the file as the body: loads it like
    /// `trader-cli load-instruments --db`. 200 with the report, 422 with the refusal.
    func load(_ request: Request, context: Context) async throws -> LoadReportDTO {
        let p = request.uri.queryParameters
        var kind: ReferenceFileKind?
        if let k = p["kind"], !k.isEmpty {
            guard let parsed = ReferenceFileKind(rawValue: String(k)) else {
                throw APIError(.badRequest, code: "INVALID_KIND", message: "kind must be one of "
                               + ReferenceFileKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            kind = parsed
        }
        var options: LoadOptions?
        switch p["allowMassDeactivation"].map(String.init) {
        case nil, "false": break
        case "true": options = LoadOptions(maxDeactivationFraction: 1.0)
        case let v?:
            throw APIError(.badRequest, code: "INVALID_ALLOW_MASS_DEACTIVATION",
                           message: "allowMassDeactivation must be true or false, got `\(v)`")
        }
        let name = p["name"].map { (String($0) as NSString).lastPathComponent } ?? "upload"
        // A name the file system cannot take (too long, a NUL, a slash) is the request's fault, not the server's.
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), name.utf8.count <= 255,
              !name.hasControlCharacters else {
            throw APIError(.badRequest, code: "INVALID_NAME",
                           message: "name must be a file name of 1…255 bytes without '/' or control characters")
        }
        let insufficient = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vega-upload-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw APIError(insufficient, code: "INSUFFICIENT_STORAGE",
                           message: "the upload could not be spooled: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw APIError(insufficient, code: "INSUFFICIENT_STORAGE", message: "the upload could not be spooled")
        }
        var size = 0
        do {
            defer { try? handle.close() }
            for try await chunk in request.body {
                size += chunk.readableBytes
                guard size <= Self.maxUploadBytes else {
                    throw APIError(.contentTooLarge, code: "CONTENT_TOO_LARGE",
                                   message: "uploads are limited to \(Self.maxUploadBytes >> 20) MB")
                }
                // The throwing write: a full disk is this request's error (507), not a trap of the server.
                do { try handle.write(contentsOf: Data(chunk.readableBytesView)) } catch {
                    throw APIError(insufficient, code: "INSUFFICIENT_STORAGE",
                                   message: "the upload could not be spooled: \(error.localizedDescription)")
                }
            }
        }
        guard size > 0 else { throw APIError(.badRequest, code: "EMPTY_BODY", message: "the request has no file") }
        let report = try await service.load(path: path, kind: kind, options: options)
        if report.status == .refused, let e = report.error {
            throw APIError(.unprocessableContent, code: e.code.rawValue, message: "\(name): \(e.message)")
        }
        return report.dto
    }
}

extension InstrumentSearchResponse: ResponseEncodable {}
extension InstrumentDTO: ResponseEncodable {}
extension LoadReportDTO: ResponseEncodable {}

/// Builds the REST router from its dependencies, so that the server (or a test) can run it.
public enum OMSRouterBuilder {
    /// With an order service the router also serves the web dashboard (`Dashboard`) at `/`.
    /// - Parameter apiKeys: when not empty, every request but `/health` and the dashboard's static assets must
    ///   carry one (`APIKeyMiddleware`), the routes mounted on the router later included; when empty, requests from other sites' web pages and
    ///   under foreign host names are refused (`LocalOnlyMiddleware`).
    public static func build(referenceData: ReferenceDataService, orders: OrderService? = nil,
                             defaultClient: ClientID = ClientID("CLIENT1"), apiKeys: Set<String> = []) -> Router<BasicRequestContext> {
        // HEAD is answered wherever GET is (status and headers, no body), as HTTP asks.
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: APIErrorMiddleware(routes: RouteMethods(router)))
        if apiKeys.isEmpty {
            router.add(middleware: LocalOnlyMiddleware())
        } else {
            router.add(middleware: APIKeyMiddleware(keys: apiKeys, publicAssets: orders == nil ? [] : Set(Dashboard.assets.keys)))
        }
        router.get("/health") { _, _ in "ok" }
        router.addRoutes(InstrumentRoutes<BasicRequestContext>(service: referenceData).collection,
                         atPath: "/api/instruments")
        if let orders {
            let routes = OrderRoutes<BasicRequestContext>(service: orders, defaultClient: defaultClient)
            router.addRoutes(routes.orders, atPath: "/api/order")
            router.get("/api/portfolio") { request, _ in try await routes.portfolio(request) }
            router.get("/api/orders") { request, _ in try await routes.list(request) }
            Dashboard.mount(on: router)
        }
        return router
    }
}

import CompressNIO
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import OMSAPIModels
import OMSCore
import OMSHTTP
import OMSPersistence
import ReferenceData
import Testing

/// A seeded database and the service over it.
final class SeededApp: @unchecked Sendable {
    // @unchecked Sendable: immutable after init.
    let dir: URL
    let pool: DatabasePool
    let service: ReferenceDataService

    init() async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vega-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        pool = try VegaDatabase.open(path: dir.appendingPathComponent("vega_trade.db").path, durability: .normal)
        service = ReferenceDataService(writer: pool, clock: ManualInstantClock(Date(timeIntervalSince1970: 1_795_570_200)),
                                       options: LoadOptions(deactivationGuardMinimum: 10))
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("seeds").path
        _ = try await ReferenceDataSeeder.seedIfEmpty(service.loader, directory: seeds)
        try await service.refresh()
    }

    deinit {
        try? pool.close()
        try? FileManager.default.removeItem(at: dir)
    }

    var application: some ApplicationProtocol {
        Application(router: OMSRouterBuilder.build(referenceData: service), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

@Suite struct InstrumentRoutesTests {
    @Test func searchAnswersRankedJSON() async throws {
        let app = try await SeededApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/api/instruments/search?query=RELIANCE&limit=3", method: .get) { res in
                #expect(res.status == .ok)
                #expect(res.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try JSONDecoder().decode(InstrumentSearchResponse.self, from: Data(res.body.readableBytesView))
                #expect(body.query == "RELIANCE")
                #expect(body.count == 3)
                #expect(body.results.map(\.instrumentKey) == ["NSE_EQ|INE002A01018", "BSE_EQ|INE002A01018", "NSE_FO|52170"])
                #expect(body.results[0].tickSize == Price("0.10"))
                #expect(body.results[2].expiry == "2026-12-29")
            }
            try await client.execute(uri: "/api/instruments/search?query=nifty%2026000%20ce", method: .get) { res in
                let body = try JSONDecoder().decode(InstrumentSearchResponse.self, from: Data(res.body.readableBytesView))
                #expect(body.limit == 10)
                #expect(body.results.first?.tradingSymbol == "NIFTY 26000 CE 01 DEC 26")
                #expect(body.results.first?.strikePrice == Price(rupees: 26000))
            }
        }
    }

    @Test(arguments: [
        ("/api/instruments/search", 400, "MISSING_QUERY"),
        ("/api/instruments/search?query=", 400, "MISSING_QUERY"),
        ("/api/instruments/search?query=%20%20", 400, "MISSING_QUERY"),
        ("/api/instruments/search?query=SBIN&limit=0", 400, "INVALID_LIMIT"),
        ("/api/instruments/search?query=SBIN&limit=abc", 400, "INVALID_LIMIT"),
        ("/api/instruments/search?query=SBIN&limit=101", 400, "INVALID_LIMIT"),
        ("/api/instruments/resolve?symbol=NOSUCH&exchange=NSE", 404, "UNKNOWN_SYMBOL"),
        ("/api/instruments/resolve?symbol=RELIANCE", 409, "AMBIGUOUS_SYMBOL"),
        ("/api/instruments/resolve?symbol=NIFTY&securityType=FUT", 400, "INVALID_INSTRUMENT_LOOKUP"),
        ("/api/instruments/resolve?symbol=NIFTY&strike=abc", 400, "INVALID_STRIKE"),
        ("/api/instruments/nothing-here", 404, "NOT_FOUND"),
    ])
    func badRequestsGetAJSONError(_ uri: String, _ status: Int, _ code: String) async throws {
        let app = try await SeededApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { res in
                #expect(Int(res.status.code) == status)
                let e = try JSONDecoder().decode(APIErrorBody.self, from: Data(res.body.readableBytesView))
                #expect(e.code == code)
                #expect(!e.message.isEmpty)
            }
        }
    }

    @Test func resolveRunsTheFIXResolver() async throws {
        let app = try await SeededApp()
        try await app.application.test(.router) { client in
            let uri = "/api/instruments/resolve?symbol=NIFTY&exchange=NSE&securityType=OPT&maturityDate=20261201&putOrCall=1&strike=26000"
            try await client.execute(uri: uri, method: .get) { res in
                #expect(res.status == .ok)
                let i = try JSONDecoder().decode(InstrumentDTO.self, from: Data(res.body.readableBytesView))
                #expect(i.instrumentKey == "NSE_FO|52110")
                #expect(i.lotSize == 65)
            }
            try await client.execute(uri: "/api/instruments/resolve?securityID=INE002A01018&securityIDSource=4&exchange=BSE", method: .get) { res in
                let decoded = try JSONDecoder().decode(InstrumentDTO.self, from: Data(res.body.readableBytesView))
                #expect(decoded.instrumentKey == "BSE_EQ|INE002A01018")
            }
        }
    }

    @Test func uploadingADailyFileLoadsItAndRefreshesSearch() async throws {
        let app = try await SeededApp()
        let record = #"[{"segment":"NSE_EQ","name":"ZEN TECHNOLOGIES LTD","exchange":"NSE","isin":"INE251B01027","instrument_type":"EQ","instrument_key":"NSE_EQ|INE251B01027","lot_size":1,"exchange_token":"7508","tick_size":10.0,"trading_symbol":"ZENTEC"}]"#
        var input = ByteBuffer(string: record)
        let gz = try input.compress(with: .gzip())
        try await app.application.test(.router) { client in
            // A partial BOD (one NSE_EQ record) would switch the market off: refused, 422, nothing changes.
            try await client.execute(uri: "/api/instruments/loads?name=NSE.json.gz&kind=bod", method: .post, body: gz) { res in
                #expect(res.status == .unprocessableContent)
                let decoded = try JSONDecoder().decode(APIErrorBody.self, from: Data(res.body.readableBytesView))
                #expect(decoded.code == "MASS_DEACTIVATION")
            }
            try await client.execute(uri: "/api/instruments/loads?name=x.json.gz&kind=nonsense", method: .post, body: gz) { res in
                #expect(res.status == .badRequest)
                let decoded = try JSONDecoder().decode(APIErrorBody.self, from: Data(res.body.readableBytesView))
                #expect(decoded.code == "INVALID_KIND")
            }
            try await client.execute(uri: "/api/instruments/loads?name=complete.json.gz", method: .post,
                                     body: ByteBuffer(string: "not gzip")) { res in
                #expect(res.status == .unprocessableContent)
                let decoded = try JSONDecoder().decode(APIErrorBody.self, from: Data(res.body.readableBytesView))
                #expect(decoded.code == "NOT_GZIP")
            }
            let bands = "date,exchange,symbol,lower_limit,upper_limit\n2026-11-26,NSE,SBIN,870,1065\n2026-11-26,NSE,NOPE,1,2\n"
            try await client.execute(uri: "/api/instruments/loads?name=price_bands.csv", method: .post,
                                     body: ByteBuffer(string: bands)) { res in
                #expect(res.status == .ok)
                let r = try JSONDecoder().decode(LoadReportDTO.self, from: Data(res.body.readableBytesView))
                #expect((r.kind, r.status, r.read, r.inserted, r.rejected) == ("price-bands", "succeeded", 2, 1, 1))
                #expect(r.rejections.first?.index == 1)
            }
        }
    }

    /// A name the file system cannot take is a 400, not the server's 500.
    @Test(arguments: [String(repeating: "a", count: 300) + ".csv", "%00", "%2F", "a%01b.csv"])
    func anUploadNameThatIsNotAFileNameIs400(_ name: String) async throws {
        let app = try await SeededApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/api/instruments/loads?name=\(name)", method: .post,
                                     body: ByteBuffer(string: "date,exchange,symbol,lower_limit,upper_limit\n")) { res in
                #expect(res.status == .badRequest)
                let decoded = try JSONDecoder().decode(APIErrorBody.self, from: Data(res.body.readableBytesView))
                #expect(decoded.code == "INVALID_NAME")
            }
        }
    }

    @Test func liveServerAnswersSearch() async throws {
        let app = try await SeededApp()
        try await app.application.test(.live) { client in
            try await client.execute(uri: "/api/instruments/search?query=tcs&limit=2", method: .get) { res in
                #expect(res.status == .ok)
                let body = try JSONDecoder().decode(InstrumentSearchResponse.self, from: Data(res.body.readableBytesView))
                #expect(body.results.map(\.instrumentKey) == ["NSE_EQ|INE467B01029", "BSE_EQ|INE467B01029"])
            }
            try await client.execute(uri: "/api/instruments/search?limit=2", method: .get) { res in
                #expect(res.status == .badRequest)
            }
        }
    }
}

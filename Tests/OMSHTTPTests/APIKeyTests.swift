import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import OMSAPIModels
import OMSHTTP
import Testing

/// With API keys configured, every request needs one; only `/health` stays open.
@Suite struct APIKeyTests {
    @Test func requestsWithoutAKnownKeyAreAnswered401() async throws {
        let seeded = try await SeededApp()
        let app = Application(router: OMSRouterBuilder.build(referenceData: seeded.service, apiKeys: ["k-1", "k-2"]),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let search = "/api/instruments/search?query=RELIANCE&limit=1"
        try await app.test(.router) { client in
            // A prefix of a key, a key with more after it, one of the same length: all refused (the comparison
            // no longer stops early at a length mismatch).
            for headers: HTTPFields in [[:], [.authorization: "Bearer nope"], [.authorization: "Basic k-1"],
                                        [HTTPField.Name("X-API-Key")!: "k-"], [HTTPField.Name("X-API-Key")!: "k-1x"],
                                        [HTTPField.Name("X-API-Key")!: "k-3"]] {
                try await client.execute(uri: search, method: .get, headers: headers) { res in
                    #expect(res.status == .unauthorized)
                    let body = try JSONDecoder().decode(APIErrorBody.self, from: Data(res.body.readableBytesView))
                    #expect(body.code == "UNAUTHORIZED")
                }
            }
            for headers: HTTPFields in [[.authorization: "Bearer k-1"], [.authorization: "bearer k-2"],
                                        [HTTPField.Name("X-API-Key")!: "k-1"]] {
                try await client.execute(uri: search, method: .get, headers: headers) { res in
                    #expect(res.status == .ok)
                }
            }
            // Without a key nothing is told apart, whatever the spelling of the path.
            for uri in ["/api/nothing", "//api/portfolio", "/./api/instruments/search?query=X", "/x/../api/portfolio", "/"] {
                try await client.execute(uri: uri, method: .get) { res in #expect(res.status == .unauthorized, "\(uri)") }
            }
            try await client.execute(uri: "/health", method: .get) { res in #expect(res.status == .ok) }
            // Only GET and HEAD of /health are open: another method is asked for a key like any request.
            try await client.execute(uri: "/health", method: .post) { res in #expect(res.status == .unauthorized) }
        }
    }

    @Test func withoutKeysNothingIsAsked() async throws {
        let seeded = try await SeededApp()
        try await seeded.application.test(.router) { client in
            try await client.execute(uri: "/api/instruments/search?query=RELIANCE&limit=1", method: .get) { res in
                #expect(res.status == .ok)
            }
        }
    }
}

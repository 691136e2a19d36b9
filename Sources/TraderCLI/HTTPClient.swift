import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OMSAPIModels

struct CLIError: Error, CustomStringConvertible {
    var description: String
    /// `CLIExit`: by default the command could not be done (2).
    var exitCode: Int32
    init(_ d: String, exitCode: Int32 = CLIExit.unavailable) {
        description = d
        self.exitCode = exitCode
    }
}

/// The few HTTP calls the CLI makes to the server.
enum HTTPClient {
    /// A 4xx/5xx answer with the API's error body.
    struct Failure: Error, CustomStringConvertible {
        var status: Int
        var body: APIErrorBody
        var description: String { "server answered \(status) \(body.code): \(body.message)" }
    }

    static func get(_ url: URL) async throws -> Data {
        try await send(URLRequest(url: url))
    }

    static func post(_ url: URL, file: String) async throws -> Data {
        var r = URLRequest(url: url)
        r.httpMethod = "POST"
        r.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        r.httpBody = try Data(contentsOf: URL(fileURLWithPath: file))
        r.timeoutInterval = 600
        return try await send(r)
    }

    static func post(_ url: URL, json body: Data? = nil) async throws -> Data {
        var r = URLRequest(url: url)
        r.httpMethod = "POST"
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        r.httpBody = body
        return try await send(r)
    }

    /// The server's API key, when it requires one (`VEGA_API_KEY`).
    static let apiKey = ProcessInfo.processInfo.environment["VEGA_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }

    static func send(_ request: URLRequest) async throws -> Data {
        var request = request
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIError("cannot reach the server at \(request.url?.absoluteString ?? ""): \(error.localizedDescription) "
                           + "(is vega-oms running? --server sets its address)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            if let body = try? JSONDecoder().decode(APIErrorBody.self, from: data) {
                throw Failure(status: status, body: body)
            }
            throw Failure(status: status, body: APIErrorBody(code: "HTTP_\(status)", message: String(decoding: data.prefix(200), as: UTF8.self)))
        }
        return data
    }
}

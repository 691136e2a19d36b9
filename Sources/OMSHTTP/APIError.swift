import Foundation
import HTTPTypes
import Hummingbird
import OMSAPIModels

/// A REST error: its status and the `{"code": …, "message": …}` body every 4xx/5xx carries.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var body: APIErrorBody
    /// Sent with the answer besides its content type (`Allow` with a 405).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.body = APIErrorBody(code: code, message: message)
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(body)
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        fields.append(contentsOf: headers)
        // A HEAD request gets the status and headers alone.
        let response = Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        return request.method == .head ? response.createHeadResponse() : response
    }
}

/// Turns any other error (Hummingbird's 404 for unknown routes, 405, decoding errors, internal failures)
/// into an `APIError`, so that every error answer has the same JSON shape. A path the server serves asked
/// with a method it does not serve answers 405 `METHOD_NOT_ALLOWED` with an `Allow` header (RFC 9110 §15.5.6)
/// when the middleware knows the routes (`routes`), not 404.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods<Context>?

    public init(routes: RouteMethods<Context>? = nil) { self.routes = routes }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            throw e
        } catch let e as HTTPResponseError where e.status == .notFound && (e as? HTTPError) != nil {
            // The router's own not-found (no route for this path and method), not a handler's answer.
            if let allowed = routes?.methods(forPath: request.uri.path), !allowed.isEmpty {
                let list = allowed.map(\.rawValue).joined(separator: ", ")
                throw APIError(.methodNotAllowed, code: "METHOD_NOT_ALLOWED",
                               message: "\(request.method.rawValue) is not served at \(request.uri.path); allowed: \(list)",
                               headers: [.allow: list])
            }
            throw APIError(.notFound, code: "NOT_FOUND", message: "no route for \(request.method.rawValue) \(request.uri.path)")
        } catch let e as HTTPResponseError {
            let code: String
            switch e.status {
            case .notFound: code = "NOT_FOUND"
            case .methodNotAllowed: code = "METHOD_NOT_ALLOWED"
            case .badRequest: code = "BAD_REQUEST"
            case .contentTooLarge: code = "CONTENT_TOO_LARGE"
            default: code = "HTTP_\(e.status.code)"
            }
            let message = (e as? HTTPError)?.body ?? e.status.reasonPhrase
            throw APIError(e.status, code: code, message: message.isEmpty ? e.status.reasonPhrase : message)
        } catch {
            context.logger.error("request failed: \(error)")
            throw APIError(.internalServerError, code: "INTERNAL_ERROR", message: "internal error")
        }
    }
}

/// A `limit` query parameter: absent → `defaultValue`; else a whole number from 1 to `max`, or 400 `INVALID_LIMIT`.
func limitParameter<S: StringProtocol>(_ text: S?, default defaultValue: Int, max: Int) throws -> Int {
    guard let text else { return defaultValue }
    guard let n = Int(text), (1...max).contains(n) else {
        throw APIError(.badRequest, code: "INVALID_LIMIT", message: "limit must be a whole number from 1 to \(max), not `\(text.prefix(20))`")
    }
    return n
}

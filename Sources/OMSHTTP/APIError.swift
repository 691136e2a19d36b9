import Foundation
import HTTPTypes
import Hummingbird
import OMSAPIModels

/// A REST error: its status and the `{"code": …, "message": …}` body every 4xx/5xx carries.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var body: APIErrorBody

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.body = APIErrorBody(code: code, message: message)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(body)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns any other error (Hummingbird's 404 for unknown routes, 405, decoding errors, internal failures)
/// into an `APIError`, so that every error answer has the same JSON shape.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            throw e
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

import Foundation

/// An API account's credentials: the app's key (Upstox client id, Kite api_key, Fyers app id), its secret
/// and the day's access token. Never printed: `description` is redacted and `redact(_:)` scrubs any text
/// (a broker's error message, a URL) before it reaches a log or an error.
public struct BrokerCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var apiKey: String
    public var apiSecret: String?
    public var accessToken: String

    public init(apiKey: String, apiSecret: String? = nil, accessToken: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.accessToken = accessToken
    }

    /// Reads `<PREFIX>_API_KEY`, `<PREFIX>_API_SECRET` and `<PREFIX>_ACCESS_TOKEN` (e.g. `VEGA_KITE_ACCESS_TOKEN`);
    /// settings take precedence over the environment.
    public static func resolve(prefix: String, settings: [String: String] = [:],
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> BrokerCredentials? {
        func value(_ name: String) -> String? {
            let key = "\(prefix)_\(name)"
            return (settings[key] ?? environment[key]).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let key = value("API_KEY"), let token = value("ACCESS_TOKEN") else { return nil }
        return BrokerCredentials(apiKey: key, apiSecret: value("API_SECRET"), accessToken: token)
    }

    public var description: String { "BrokerCredentials(apiKey: \(Self.mask(apiKey)), accessToken: ***)" }
    public var debugDescription: String { description }

    /// The text with the access token and secret replaced by `***` (also in URL-encoded form).
    public func redact(_ text: String) -> String {
        var out = text
        for secret in [accessToken, apiSecret].compactMap({ $0 }) where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: "***")
            let encoded = FormWriter.escape(secret)
            if encoded != secret { out = out.replacingOccurrences(of: encoded, with: "***") }
        }
        return out
    }

    static func mask(_ s: String) -> String { s.count <= 4 ? "***" : String(s.prefix(4)) + "***" }
}

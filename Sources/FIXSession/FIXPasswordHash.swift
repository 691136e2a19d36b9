import Crypto
import Foundation

/// A salted, iterated password hash (PBKDF2-HMAC-SHA256, 32-byte key), stored as
/// `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`. Settings files hold only this, never a password.
public struct FIXPasswordHash: Sendable, Equatable {
    public let iterations: Int
    public let salt: [UInt8]
    public let hash: [UInt8]

    public init?(encoded: String) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let it = Int(parts[1]), it >= 1, it <= 10_000_000,
              let salt = Self.hex(parts[2]), salt.count >= 8, let hash = Self.hex(parts[3]), hash.count == 32 else {
            return nil
        }
        self.iterations = it
        self.salt = salt
        self.hash = hash
    }

    /// Hashes a password with a fresh random salt.
    public static func make(password: String, iterations: Int = 20_000) -> FIXPasswordHash {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &rng) }
        return FIXPasswordHash(iterations: iterations, salt: salt, hash: derive(Array(password.utf8), salt: salt, iterations: iterations))
    }

    init(iterations: Int, salt: [UInt8], hash: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.hash = hash
    }

    public var encoded: String {
        "pbkdf2-sha256$\(iterations)$\(Self.hexString(salt))$\(Self.hexString(hash))"
    }

    /// Constant-time comparison of a candidate password against the stored hash.
    public func verify(_ password: String) -> Bool {
        let candidate = Self.derive(Array(password.utf8), salt: salt, iterations: iterations)
        var diff: UInt8 = 0
        for (a, b) in zip(candidate, hash) { diff |= a ^ b }
        return diff == 0 && candidate.count == hash.count
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA256, first 32-byte block.
    static func derive(_ password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var u = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var t = u
        if iterations > 1 {
            for _ in 1..<iterations {
                u = Array(HMAC<SHA256>.authenticationCode(for: u, using: key))
                for i in t.indices { t[i] ^= u[i] }
            }
        }
        return t
    }

    static func hex<S: StringProtocol>(_ s: S) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var i = 0
        while i < chars.count {
            guard let hi = v(chars[i]), let lo = v(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func hexString(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
}

import Foundation

/// What one load did. Counts are per record (or per CSV row).
public struct LoadReport: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Committed (possibly with rejected records).
        case succeeded
        /// The whole file was refused; the reference data is as it was.
        case refused
    }

    /// A record that was skipped: its 0-based index in the file (data rows for CSV) and why.
    public struct Rejection: Sendable, Codable, Equatable, CustomStringConvertible {
        public var index: Int
        public var reason: String
        public init(index: Int, reason: String) {
            self.index = index
            self.reason = reason
        }
        public var description: String { "#\(index): \(reason)" }
    }

    /// Only the first rejections are kept in the report; `rejectedCount` counts them all.
    public static let maxRejectionsKept = 1000

    public var fileName: String
    public var kind: ReferenceFileKind?
    public var sha256: String?
    public var byteCount: Int64 = 0
    public var runID: Int64?
    public var status: Status = .succeeded
    public var error: ReferenceFileError?
    public var startedAt: Date
    public var finishedAt: Date?
    public var read = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var deactivated = 0
    public var rejectedCount = 0
    public var rejections: [Rejection] = []

    public init(fileName: String, kind: ReferenceFileKind?, startedAt: Date) {
        self.fileName = fileName
        self.kind = kind
        self.startedAt = startedAt
    }

    mutating func reject(_ index: Int, _ reason: String) {
        rejectedCount += 1
        if rejections.count < Self.maxRejectionsKept { rejections.append(Rejection(index: index, reason: reason)) }
    }

    /// Resets the counts (when a transaction is rolled back).
    mutating func clearCounts() {
        read = 0
        inserted = 0
        updated = 0
        unchanged = 0
        deactivated = 0
        rejectedCount = 0
        rejections = []
    }

    /// `complete.json.gz (bod): read 10 inserted 8 updated 1 unchanged 0 deactivated 1 rejected 1`.
    public var summary: String {
        let k = kind.map { " (\($0))" } ?? ""
        if status == .refused {
            return "\(fileName)\(k): REFUSED \(error?.description ?? "")"
        }
        return "\(fileName)\(k): read \(read) inserted \(inserted) updated \(updated) unchanged \(unchanged) "
            + "deactivated \(deactivated) rejected \(rejectedCount)"
    }
}

extension ReferenceFileError: Codable {
    enum CodingKeys: String, CodingKey { case code, message }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(Code(rawValue: try c.decode(String.self, forKey: .code)) ?? .unreadable,
                  try c.decode(String.self, forKey: .message))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code.rawValue, forKey: .code)
        try c.encode(message, forKey: .message)
    }
}

/// Progress of a running load, for a terminal progress bar.
public struct LoadProgress: Sendable {
    public var fileName: String
    /// Bytes of the file (as stored, compressed or not) read so far.
    public var bytesRead: Int64
    public var totalBytes: Int64
    public var fraction: Double { totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 0 }
}

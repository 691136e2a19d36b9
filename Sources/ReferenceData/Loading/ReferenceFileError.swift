/// Why a whole file was refused. Nothing from such a file reaches the database.
public struct ReferenceFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Cannot be opened or read.
        case unreadable = "UNREADABLE"
        /// Named `.gz` (or starts like gzip) but is not a valid gzip stream.
        case notGzip = "NOT_GZIP"
        /// The gzip stream or the JSON array ends early.
        case truncated = "TRUNCATED"
        /// Not JSON (or CSV) at all, or a syntax error inside it.
        case notJSON = "NOT_JSON"
        /// Valid JSON, but not the array of records this kind of file has.
        case wrongShape = "WRONG_SHAPE"
        /// A CSV input whose header does not name the columns its kind needs.
        case badHeader = "BAD_HEADER"
        /// The kind of file could not be told from its name or content.
        case unknownKind = "UNKNOWN_KIND"
        /// A full BOD file that would deactivate too many instruments (probably a partial file).
        case massDeactivation = "MASS_DEACTIVATION"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

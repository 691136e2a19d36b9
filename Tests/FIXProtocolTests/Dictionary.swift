import FIXProtocol
import Foundation

/// The project's dictionary (`specs/FIX44.xml`), loaded once for all tests.
enum TestDictionary {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fix44: FIXDataDictionary = {
        do {
            return try FIXDataDictionary.load(path: root.appendingPathComponent("specs/FIX44.xml").path)
        } catch {
            preconditionFailure("cannot load specs/FIX44.xml: \(error)")
        }
    }()
}

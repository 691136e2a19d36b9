import Foundation
import NIOConcurrencyHelpers
import ReferenceData

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar: Sendable {
    private struct State {
        var lastDrawn = -1
        var drawn = false
    }
    private let state = NIOLockedValueBox(State())

    static func forStandardError(enabled: Bool) -> ProgressBar? {
        enabled && isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
    }

    func update(_ p: LoadProgress) {
        let permille = Int(p.fraction * 1000)
        let line: String? = state.withLockedValue { s in
            guard permille != s.lastDrawn else { return nil }
            s.lastDrawn = permille
            s.drawn = true
            return Self.render(p, width: 30)
        }
        if let line { FileHandle.standardError.write(Data(("\r" + line).utf8)) }
    }

    func finish() {
        let drawn = state.withLockedValue { s in
            defer { s = State() }
            return s.drawn
        }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    /// `complete.json.gz [##########----------]  50.0 %  1.9/3.8 MB`.
    static func render(_ p: LoadProgress, width: Int) -> String {
        let filled = Int(p.fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let mb = { (b: Int64) in String(format: "%.1f", Double(b) / 1_048_576) }
        return "\(p.fileName) [\(bar)] \(String(format: "%5.1f", p.fraction * 100)) %  \(mb(p.bytesRead))/\(mb(p.totalBytes)) MB"
    }
}

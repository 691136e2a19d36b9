import Foundation
import OMSCore

/// The session calendar files in a directory (`seeds/sessions/`): every `holidays-*.csv` (each year's list, and
/// holidays announced after it, in name order) and every `special-sessions-*.json`.
enum SessionCalendarFiles {
    struct Problem: Error, CustomStringConvertible {
        let file: String
        let reason: String
        var description: String { "\(file): \(reason)" }
    }

    /// Loads the holiday files into `holidays` and returns the special sessions; a file that does not read stops
    /// the start, named.
    static func load(directory: URL, into holidays: HolidayCalendar) throws -> [SpecialSession] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        var specials: [SpecialSession] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            do {
                if name.hasPrefix("holidays-") && name.hasSuffix(".csv") {
                    try holidays.load(contentsOf: url)
                } else if name.hasPrefix("special-sessions-") && name.hasSuffix(".json") {
                    specials += try SpecialSession.load(json: Data(contentsOf: url))
                }
            } catch {
                throw Problem(file: url.path, reason: "\(error)")
            }
        }
        return specials
    }
}

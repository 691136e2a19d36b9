import Foundation
import GRDB

/// Loads the demo data set in `seeds/` into a new database (one with no instruments yet).
public enum ReferenceDataSeeder {
    /// Order of loading: the master first, then its overlays, then the CSV inputs that refer to instruments.
    static let order: [ReferenceFileKind] = [.bod, .mis, .mtf, .suspended, .t2tSeries, .clientProducts, .priceBands,
                                             .surveillance, .ipo, .holidays]

    /// The seed files in `directory` and `directory/instruments` with their kinds, in loading order. Files
    /// whose kind cannot be told are skipped; other subfolders (e.g. `seeds/sessions`, the market-session
    /// engine's own files) are not read.
    public static func seedFiles(in directory: String) -> [(path: String, kind: ReferenceFileKind)] {
        let fm = FileManager.default
        var names: [String] = []
        for sub in ["", "instruments"] {
            let dir = (directory as NSString).appendingPathComponent(sub)
            names += ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).map { sub.isEmpty ? $0 : sub + "/" + $0 }
        }
        var found: [(String, ReferenceFileKind)] = []
        for rel in names {
            let path = (directory as NSString).appendingPathComponent(rel)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let lower = rel.lowercased()
            guard lower.hasSuffix(".json") || lower.hasSuffix(".json.gz") || lower.hasSuffix(".csv")
                    || lower.hasSuffix(".csv.gz") else { continue }
            if let k = try? ReferenceDataLoader.detectKind(path: path) { found.append((path, k)) }
        }
        return found.sorted { a, b in
            let ra = order.firstIndex(of: a.1) ?? 99, rb = order.firstIndex(of: b.1) ?? 99
            return ra != rb ? ra < rb : a.0 < b.0
        }
    }

    /// Loads every seed file if the database has no instruments; returns the reports (empty if it had some).
    public static func seedIfEmpty(_ loader: ReferenceDataLoader, directory: String) async throws -> [LoadReport] {
        let count = try await loader.writer.read { db in try InstrumentRepository.count(db) }
        guard count == 0 else { return [] }
        var reports: [LoadReport] = []
        for (path, kind) in seedFiles(in: directory) {
            reports.append(try await loader.load(path: path, kind: kind))
        }
        return reports
    }
}

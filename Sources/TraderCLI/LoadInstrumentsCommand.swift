import ArgumentParser
import Foundation
import OMSAPIModels
import OMSPersistence
import ReferenceData

extension ReferenceFileKind: ExpressibleByArgument {}

struct LoadInstrumentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-instruments",
        abstract: "Load instrument masters and daily lists (JSON, JSON.gz, CSV) and print each load's report.",
        discussion: """
            Each file is one transaction: a refused file (not gzip, not JSON/CSV, truncated, wrong shape) changes
            nothing, and the command exits with status 1. The kind of file is told from its name and content
            unless --kind is given (\(ReferenceFileKind.allCases.map(\.rawValue).joined(separator: ", "))).
            With --db the database file is loaded directly (when the server is not running); otherwise the
            files are uploaded to the server.
            """)

    @Argument(help: "Files to load, in order.")
    var files: [String]

    @Option(help: "SQLite database file to load into directly (created and migrated if missing).")
    var db: String?

    @Option(help: "The kind of every file (default: told from each file).")
    var kind: ReferenceFileKind?

    @Option(help: "Server base URL (without --db).")
    var server: String = defaultServer

    @Flag(help: "Print the reports as JSON.")
    var json = false

    @Flag(help: "Load a BOD file even if it would deactivate more than half of its segments' instruments.")
    var allowMassDeactivation = false

    @Flag(help: "No progress bar.")
    var noProgress = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file to load") }
        for f in files where !FileManager.default.isReadableFile(atPath: f) {
            throw ValidationError("cannot read \(f)")
        }
    }

    func run() async throws {
        var reports: [LoadReportDTO] = []
        if let db {
            let pool = try VegaDatabase.open(path: db, durability: .full)
            let options = LoadOptions(maxDeactivationFraction: allowMassDeactivation ? 1.0 : 0.5)
            let loader = ReferenceDataLoader(writer: pool, options: options)
            let bar = ProgressBar.forStandardError(enabled: !noProgress)
            for f in files {
                var onProgress: (@Sendable (LoadProgress) -> Void)? = nil
                if let bar { onProgress = { p in bar.update(p) } }
                let report = try await loader.load(path: f, kind: kind, progress: onProgress)
                bar?.finish()
                reports.append(report.dto)
                if !json { print(Self.describe(report.dto)) }
            }
            try pool.close()
        } else {
            for f in files {
                guard var c = URLComponents(string: server) else { throw ValidationError("bad --server") }
                c.path = (c.path.hasSuffix("/") ? String(c.path.dropLast()) : c.path) + "/api/instruments/loads"
                c.queryItems = [URLQueryItem(name: "name", value: (f as NSString).lastPathComponent)]
                    + (kind.map { [URLQueryItem(name: "kind", value: $0.rawValue)] } ?? [])
                let dto: LoadReportDTO
                do {
                    let data = try await HTTPClient.post(c.url!, file: f)
                    dto = try JSONDecoder().decode(LoadReportDTO.self, from: data)
                } catch let e as HTTPClient.Failure where e.status == 422 {
                    dto = LoadReportDTO(fileName: (f as NSString).lastPathComponent, kind: kind?.rawValue, status: "refused",
                                        sha256: nil, runID: nil, read: 0, inserted: 0, updated: 0, unchanged: 0,
                                        deactivated: 0, rejected: 0, rejections: [], error: e.body)
                }
                reports.append(dto)
                if !json { print(Self.describe(dto)) }
            }
        }
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try e.encode(reports), as: UTF8.self))
        }
        if reports.contains(where: { $0.status != "succeeded" }) { throw ExitCode(1) }
    }

    static func describe(_ r: LoadReportDTO) -> String {
        let kind = r.kind.map { " (\($0))" } ?? ""
        if r.status != "succeeded" {
            return "\(r.fileName)\(kind): REFUSED \(r.error?.code ?? ""): \(r.error?.message ?? "")"
        }
        var s = "\(r.fileName)\(kind): read \(r.read), inserted \(r.inserted), updated \(r.updated), "
            + "unchanged \(r.unchanged), deactivated \(r.deactivated), rejected \(r.rejected)"
        for rej in r.rejections.prefix(20) { s += "\n  rejected #\(rej.index): \(rej.reason)" }
        if r.rejected > 20 { s += "\n  … \(r.rejected - 20) more rejections (see load_run_rejections)" }
        return s
    }
}

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load the demo data set (seeds/) into a database that has no instruments yet.")

    @Option(help: "SQLite database file (created and migrated if missing).")
    var db: String

    @Option(help: "Folder with the seed files.")
    var seeds: String = "seeds"

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: seeds, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("no seeds folder at \(seeds)")
        }
    }

    func run() async throws {
        let pool = try VegaDatabase.open(path: db, durability: .full)
        let reports = try await ReferenceDataSeeder.seedIfEmpty(ReferenceDataLoader(writer: pool), directory: seeds)
        if reports.isEmpty { print("\(db) already has instruments: nothing loaded") }
        for r in reports { print(LoadInstrumentsCommand.describe(r.dto)) }
        try pool.close()
        if reports.contains(where: { $0.status != .succeeded }) { throw ExitCode(1) }
    }
}

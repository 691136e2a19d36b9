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
        // One paragraph: ArgumentParser wraps it to the terminal (line breaks in the text broke its wrapping).
        discussion: "Each file is one transaction: a refused file (not gzip, not JSON/CSV, truncated, wrong shape) "
            + "changes nothing, and the others are still loaded. The kind of file is told from its name and content "
            + "unless --kind is given (\(ReferenceFileKind.allCases.map(\.rawValue).joined(separator: ", "))). "
            + "With --db the database file is loaded directly (when the server is not running); otherwise the "
            + "files are uploaded to the server. Exit status: 0 all loaded, 1 a file refused, 2 the server failed "
            + "or cannot be reached, 64 bad arguments.")

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
            // Each file gets its report: one the server refuses (4xx) or fails on (5xx) does not stop the others.
            // A server that cannot be reached stops the loop, after the reports so far are printed.
            do {
                for f in files {
                    let name = (f as NSString).lastPathComponent
                    var query = ["name": name]
                    if let kind { query["kind"] = kind.rawValue }
                    if allowMassDeactivation { query["allowMassDeactivation"] = "true" }
                    let url = try HTTPClient.url(server: server, path: ["api", "instruments", "loads"], query: query)
                    let dto: LoadReportDTO
                    do {
                        dto = try HTTPClient.decode(LoadReportDTO.self, try await HTTPClient.post(url, file: f))
                    } catch let e as HTTPClient.Failure {
                        dto = LoadReportDTO(fileName: name, kind: kind?.rawValue,
                                            status: (400..<500).contains(e.status) ? "refused" : "failed",
                                            sha256: nil, runID: nil, read: 0, inserted: 0, updated: 0, unchanged: 0,
                                            deactivated: 0, rejected: 0, rejections: [], error: e.body)
                    }
                    reports.append(dto)
                    if !json { print(Self.describe(dto)) }
                }
            } catch {
                if json { try printJSON(reports) }
                throw error
            }
        }
        if json { try printJSON(reports) }
        if reports.contains(where: { $0.status == "failed" }) { throw ExitCode(CLIExit.unavailable) }
        if reports.contains(where: { $0.status != "succeeded" }) { throw ExitCode(CLIExit.refused) }
    }

    private func printJSON(_ reports: [LoadReportDTO]) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try e.encode(reports), as: UTF8.self))
    }

    static func describe(_ r: LoadReportDTO) -> String {
        let kind = r.kind.map { " (\($0))" } ?? ""
        if r.status != "succeeded" {
            return "\(r.fileName)\(kind): \(r.status == "failed" ? "FAILED" : "REFUSED") \(r.error?.code ?? ""): \(r.error?.message ?? "")"
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

import ArgumentParser
import Foundation

/// `trader-cli`: the trader's command line for Vega.
///
/// Exit status, the same for every command: 0 done; 1 refused (the server answered 4xx — an order rejected, an
/// unknown id, a file refused); 2 not done (the server cannot be reached, failed with a 5xx, or gave an answer
/// the CLI cannot read); 3 `reconcile` found differences; 4 taken but not confirmed (503 `NOT_DURABLE`: look the
/// order up before trying again); 64 bad arguments.
@main
struct TraderCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trader-cli",
        abstract: "Vega OMS command line: orders, portfolio, risk limits and margin, instrument search and reference-data loads.",
        discussion: "A server started with VEGA_API_KEYS asks for a key: set VEGA_API_KEY to one of them.",
        subcommands: [PlaceOrderCommand.self, OrderStatusCommand.self, CancelCommand.self, OrdersCommand.self, PortfolioCommand.self,
                      LimitsCommand.self, MarginCommand.self, SearchCommand.self, LoadInstrumentsCommand.self,
                      SeedCommand.self, ReconcileCommand.self])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
        } catch {
            if let code = CLIExit.code(for: error) {
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                exit(withError: ExitCode(code))
            }
            exit(withError: error)
        }
    }
}

/// The exit status of an error a command threw (nil: ArgumentParser's own — usage errors are 64).
enum CLIExit {
    static let refused: Int32 = 1
    static let unavailable: Int32 = 2
    static let differences: Int32 = 3
    static let unconfirmed: Int32 = 4

    static func code(for error: any Error) -> Int32? {
        switch error {
        case let f as HTTPClient.Failure:
            // Not "not done": the order was taken; a script that retries on 2 would place it twice.
            if f.body.code == "NOT_DURABLE" { return unconfirmed }
            return (400..<500).contains(f.status) ? refused : unavailable
        case let e as CLIError: return e.exitCode
        default: return nil
        }
    }
}

/// Where the server listens unless `--server` says otherwise.
let defaultServer = "http://127.0.0.1:8080"

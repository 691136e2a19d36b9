import ArgumentParser

/// `trader-cli`: the trader's command line for Vega.
@main
struct TraderCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trader-cli",
        abstract: "Vega OMS command line: instrument search, reference-data loads, risk limits and margin.",
        subcommands: [SearchCommand.self, LoadInstrumentsCommand.self, SeedCommand.self, LimitsCommand.self,
                      MarginCommand.self])
}

/// Where the server listens unless `--server` says otherwise.
let defaultServer = "http://127.0.0.1:8080"

import ArgumentParser

/// `trader-cli`: the trader's command line for Vega.
@main
struct TraderCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trader-cli",
        abstract: "Vega OMS command line: orders, portfolio, risk limits and margin, instrument search and reference-data loads.",
        discussion: "A server started with VEGA_API_KEYS asks for a key: set VEGA_API_KEY to one of them.",
        subcommands: [PlaceOrderCommand.self, OrderStatusCommand.self, CancelCommand.self, OrdersCommand.self, PortfolioCommand.self,
                      LimitsCommand.self, MarginCommand.self, SearchCommand.self, LoadInstrumentsCommand.self,
                      SeedCommand.self, ReconcileCommand.self])
}

/// Where the server listens unless `--server` says otherwise.
let defaultServer = "http://127.0.0.1:8080"

import ArgumentParser
import FIXGateway

/// Prints the reject-code table README.md carries (generated from the rejection enums).
struct RejectCodes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject-codes",
        abstract: "Print the Markdown table of reject codes (5006), their OrdRejReason (103) and meaning.")

    @Flag(help: "Wrap the table in the README markers.")
    var markers = false

    func run() {
        if markers { print(RejectCodeTable.beginMarker) }
        print(RejectCodeTable.markdown, terminator: "")
        if markers { print(RejectCodeTable.endMarker) }
    }
}

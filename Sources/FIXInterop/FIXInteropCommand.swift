import ArgumentParser

/// Interoperability tool: runs Vega's FIX engine against QuickFIX C++ peers (see scripts/interop-quickfix.sh).
@main
struct FIXInteropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix-interop",
        abstract: "Vega FIX engine interop peer for QuickFIX C++ (executor acceptor, order-sending initiator).")
}

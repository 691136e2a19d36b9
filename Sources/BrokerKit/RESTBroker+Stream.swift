import HTTPTypes
import HummingbirdWSClient
import Logging
import OMSCore

extension RESTBroker {
    /// Keeps the order-update stream connected. After each (re)connection the order book is read once so
    /// that nothing that happened while disconnected (a fill, a cancel) is lost.
    func runStream() async {
        let quiet = Logger(label: "vega.broker.ws", factory: { _ in SwiftLogNoOpLogHandler() })
        while !Task.isCancelled {
            if tokenExpired {
                try? await Task.sleep(for: settings.streamReconnectDelay)
                continue
            }
            do throws(BrokerError) {
                var authorization: JSONValue?
                if let request = api.streamAuthorization() { authorization = try await call(request, kind: .data) }
                let endpoint = try api.streamEndpoint(authorization: authorization, credentials: credentials)
                await connect(endpoint, logger: quiet)
            } catch {
                logger.warning("order stream not connected", metadata: ["error": "\(error)"])
            }
            streamConnected = false
            try? await Task.sleep(for: settings.streamReconnectDelay)
        }
    }

    private func connect(_ endpoint: BrokerStreamEndpoint, logger quiet: Logger) async {
        var headers = HTTPFields()
        for (name, value) in endpoint.headers {
            if let n = HTTPField.Name(name) { headers[n] = value }
        }
        do {
            try await WebSocketClient.connect(
                url: endpoint.url, configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: headers),
                logger: quiet
            ) { inbound, outbound, _ in
                for text in endpoint.subscribe { try await outbound.write(.text(text)) }
                await self.streamDidConnect()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    if let keepAlive = endpoint.keepAlive {
                        group.addTask {
                            while true {
                                try await Task.sleep(for: keepAlive.every)
                                try await outbound.write(.text(keepAlive.text))
                            }
                        }
                    }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { await self.handleStream(text) }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.warning("order stream closed", metadata: ["error": "\(credentials.redact(String(describing: error)))"])
        }
        logger.notice("order stream disconnected")
    }

    func streamDidConnect() async {
        streamConnections += 1
        streamConnected = true
        logger.info("order stream connected", metadata: ["connections": "\(streamConnections)"])
        await catchUp()
    }

    /// Reads the order book once and applies every order of ours that is still open on our side.
    func catchUp() async {
        let open = Set(tracker.openTags)
        guard !open.isEmpty else { return }
        guard let records = try? await orders() else { return }
        for record in records {
            let known = tracker.tag(brokerOrderID: record.brokerOrderID) ?? record.tag
            if let tag = known, open.contains(tag) { await ingest(record) }
        }
    }

    func handleStream(_ text: String) async {
        for update in api.streamUpdates(text) {
            switch update {
            case .order(let record): await ingest(record)
            case .trade(let trade): ingest(trade: trade)
            }
        }
    }
}

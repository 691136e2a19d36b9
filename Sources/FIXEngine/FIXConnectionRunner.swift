import FIXProtocol
import FIXSession
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Serves one TCP connection: frames in, session calls, writes out, timer ticks.
enum FIXConnectionRunner {
    typealias Channel = NIOAsyncChannel<FIXFrame, ByteBuffer>

    /// - Parameters:
    ///   - session: the session, when known up front (initiator); else `resolve` finds it from the first message.
    ///   - resolve: maps the first message to a session (acceptor); nil closes the connection silently.
    static func serve(_ child: Channel, session preattached: FIXSession?, store: FIXMessageStore,
                      logonTimeout: Double, tickInterval: Duration, logger: Logger,
                      resolve: @escaping @Sendable (FIXMessage) -> FIXSession?) async {
        let remote = child.channel.remoteAddress?.ipAddress
        let connection = NIOFIXConnection(remoteAddress: remote)
        do {
            try await child.executeThenClose { inbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let underlying = child.channel
                    group.addTask {
                        await connection.runWriter(channel: underlying, store: store)
                    }
                    let attached = SessionBox(preattached)
                    if let s = preattached {
                        guard await s.attach(connection) else {
                            connection.close()
                            try await group.waitForAll()
                            return
                        }
                        group.addTask { await ticker(s, connection, tickInterval) }
                    } else {
                        // A connection that never logs on is closed after LogonTimeout.
                        group.addTask {
                            try? await Task.sleep(for: .milliseconds(Int(logonTimeout * 1000)))
                            if attached.value == nil {
                                logger.info("Connection from \(remote ?? "?") sent no Logon within \(logonTimeout)s; closing")
                                connection.close()
                            }
                        }
                    }
                    do {
                        for try await frame in inbound {
                            if connection.isClosing { break }
                            if let s = attached.value {
                                await s.received(frame, from: connection)
                                continue
                            }
                            // First message: must be a well-formed Logon for a configured session.
                            guard case .message(let bytes) = frame,
                                  let m = try? FIXMessageParser.parse(bytes, dictionary: nil),
                                  m.msgType == FIXMsgType.logon else {
                                logger.info("First message from \(remote ?? "?") is not a valid Logon; closing")
                                connection.close()
                                break
                            }
                            guard let s = resolve(m) else {
                                logger.info("Logon from \(remote ?? "?") for unknown session \(m.string(FIXTag.beginString) ?? "?"):\(m.string(FIXTag.senderCompID) ?? "?")->\(m.string(FIXTag.targetCompID) ?? "?"); closing")
                                connection.close()
                                break
                            }
                            guard await s.attach(connection) else {
                                connection.close()
                                break
                            }
                            attached.value = s
                            group.addTask { await ticker(s, connection, tickInterval) }
                            await s.received(frame, from: connection)
                        }
                    } catch {
                        logger.debug("Connection from \(remote ?? "?") ended: \(error)")
                    }
                    if let s = attached.value { await s.connectionClosed(connection) }
                    connection.close()
                    connection.finish()
                    group.cancelAll()
                    try? await group.waitForAll()
                }
            }
        } catch {
            logger.debug("Connection from \(remote ?? "?") closed with error: \(error)")
        }
    }

    static func ticker(_ s: FIXSession, _ c: NIOFIXConnection, _ interval: Duration) async {
        while !Task.isCancelled && !c.isClosing {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            await s.tick()
        }
    }
}

/// The session a connection is bound to, shared between the reader and the logon-timeout task.
final class SessionBox: Sendable {
    private let box: NIOLockedValueBox<FIXSession?>
    init(_ v: FIXSession?) { box = NIOLockedValueBox(v) }
    var value: FIXSession? {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
}

import FIXEngine
import FIXProtocol
import FIXSession
import Foundation
import OMSTestSupport
import Testing

struct FIXFileLogTests {
    @Test func writesMessagesAndEventsPerSessionWithPasswordsMasked() throws {
        let dir = NSTemporaryDirectory() + "fixlog-\(UUID().uuidString)"
        let log = try FIXFileLog(directory: dir)
        let id = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "CLIENT1")
        log.incoming(id, FIXTestMessage.raw("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|553=CLIENT1|554=demo|"))
        log.outgoing(id, FIXTestMessage.raw("8=FIX.4.4|35=A|34=1|49=VEGA|52=<TIME>|56=CLIENT1|98=0|108=30|"))
        log.event(id, "Received logon request")
        log.flush()
        let messages = try String(contentsOfFile: dir + "/FIX.4.4-VEGA-CLIENT1.messages.log", encoding: .utf8)
        let events = try String(contentsOfFile: dir + "/FIX.4.4-VEGA-CLIENT1.event.log", encoding: .utf8)
        let lines = messages.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("in 8=FIX.4.4|") && lines[0].contains("554=***|") && !lines[0].contains("demo"))
        #expect(lines[1].contains("out 8=FIX.4.4|"))
        #expect(events.contains("Received logon request"))
    }
}

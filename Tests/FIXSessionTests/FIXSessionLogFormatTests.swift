import FIXSession
import Testing

struct FIXSessionLogFormatTests {
    static func soh(_ s: String) -> [UInt8] { Array(s.replacingOccurrences(of: "|", with: "\u{1}").utf8) }

    @Test func separatorsBecomeBars() {
        #expect(FIXSessionLogFormat.readable(Self.soh("8=FIX.4.4|35=D|11=A|")) == "8=FIX.4.4|35=D|11=A|")
        #expect(FIXSessionLogFormat.readable([]) == "")
    }

    @Test(arguments: [("35=A|553=U|554=secret|98=0|", "35=A|553=U|554=***|98=0|"),
                      ("554=secret|35=A|", "554=***|35=A|"),
                      ("35=BE|554=a|925=b|554=c", "35=BE|554=***|925=b|554=***"),
                      ("35=A|1554=kept|5540=kept|", "35=A|1554=kept|5540=kept|")])
    func passwordsAreMaskedWhereverAFieldStarts(message: String, logged: String) {
        #expect(FIXSessionLogFormat.readable(Self.soh(message)) == logged)
        var out = Array("prefix ".utf8)
        FIXSessionLogFormat.appendReadable(Self.soh(message), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "prefix " + logged)
    }
}

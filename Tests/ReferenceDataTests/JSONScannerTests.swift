import Foundation
import Testing
@testable import ReferenceData

@Suite struct JSONScannerTests {
    static func elements(_ text: String, chunk: Int) throws -> [String] {
        var scanner = JSONArrayScanner()
        var out: [String] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + chunk)
            try bytes[i..<end].withUnsafeBytes { buf in
                try scanner.feed(buf) { e, _ in out.append(String(decoding: e, as: UTF8.self)) }
            }
            i = end
        }
        try scanner.finish()
        return out
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func elementsAreTheSameWhateverTheChunkSize(_ chunk: Int) throws {
        let text = #" [ {"a":"x,]}\"y","b":[1,{"c":2}]} , 12.5e3,"s\\",true , null,{}, [] ] "#
        #expect(try Self.elements(text, chunk: chunk) == [#"{"a":"x,]}\"y","b":[1,{"c":2}]}"#, "12.5e3", #""s\\""#,
                                                          "true", "null", "{}", "[]"])
    }

    @Test func framingErrorsAreTyped() {
        func code(_ t: String) -> ReferenceFileError.Code? {
            do { _ = try Self.elements(t, chunk: 5); return nil } catch let e as ReferenceFileError { return e.code } catch { return nil }
        }
        #expect(code("[1,2") == .truncated)
        #expect(code(#"[{"a":"b"#) == .truncated)
        #expect(code(#"{"a":1}"#) == .wrongShape)
        #expect(code("\"x\"") == .wrongShape)
        #expect(code("<html>") == .notJSON)
        #expect(code("[1 2]") == .notJSON)
        #expect(code("[1,]") == .notJSON)
        #expect(code("[1] x") == .notJSON)
        #expect(code("") == .notJSON)
        #expect(code("[]") == nil)
    }

    @Test func elementSyntaxIsCheckedStrictly() throws {
        var fields: [JSONField] = []
        func parse(_ s: String) throws -> JSONKind {
            try Array(s.utf8).withUnsafeBytes { try JSONElementParser.parse($0, index: 0, fields: &fields) }
        }
        #expect(try parse(#"{"a":1,"b":"\u00e9\n","c":[true,false,null],"d":{"e":-0.5E+2}}"#) == .object)
        #expect(fields.count == 4)
        for bad in [#"{"a":01}"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":tru}"#, "{\"a\":\"\u{01}\"}", #"{"a":"\x"}"#, #"{"a":1"#] {
            #expect(throws: ReferenceFileError.self, "\(bad)") { _ = try parse(bad) }
        }
        let bytes = Array(#"caf\u00e9 \ud83d\ude00 \"q\""#.utf8)
        let s = bytes.withUnsafeBufferPointer { JSONElementParser.decodeString($0, 0, $0.count, hasEscape: true) }
        #expect(s == "café 😀 \"q\"")
    }

    @Test func decimalsParseExactlyIntoFixedPoint() {
        func p(_ s: String, _ d: Int) -> Int64? { DecimalText.parse(s, decimals: d) }
        #expect(p("5.0", 2) == 500)
        #expect(p("0.05", 4) == 500)
        #expect(p("-12.5", 4) == -125_000)
        #expect(p("1.790706599E12", 0) == 1_790_706_599_000)
        #expect(p("25000.0", 4) == 250_000_000)
        #expect(p("1e-2", 2) == 1)
        #expect(p("0.12345", 4) == nil)
        #expect(p("0.12340", 4) == 1234)
        #expect(p("abc", 0) == nil)
        #expect(p("1.", 0) == 1)
        #expect(p("99999999999999999999", 0) == nil)
    }
}

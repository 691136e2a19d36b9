import FIXProtocol
import Testing

struct FIXTimestampTests {
    @Test func formatsWithMilliseconds() {
        // 2026-09-08T04:05:12.123Z
        let t = FIXTimestamp(secondsSince1970: 1_788_840_312, nanoseconds: 123_456_789)
        #expect(t.description == "20260908-04:05:12.123")
        #expect(String(decoding: t.formatted(milliseconds: false), as: UTF8.self) == "20260908-04:05:12")
    }

    @Test(arguments: ["20260908-04:05:12", "20260908-04:05:12.123", "20000229-23:59:59.999999", "19700101-00:00:00"])
    func parseAndFormatAgree(text: String) throws {
        let t = try #require(FIXTimestamp.parse(Array(text.utf8)))
        #expect(String(decoding: t.formatted(milliseconds: false), as: UTF8.self) == String(text.prefix(17)))
    }

    @Test(arguments: ["20261308-04:05:12", "2026090-04:05:12", "20260908-24:00:00", "20260908 04:05:12", "20260908-04:05:12.", "20040415",
                      "99991231-23:59:59", "22630101-00:00:00", "00000101-00:00:00"])
    func malformedTimestampsAreRefused(text: String) {
        #expect(FIXTimestamp.parse(Array(text.utf8)) == nil)
    }

    @Test func secondsBetweenTheFirstAndLastParsableInstantsDoNotOverflow() throws {
        let first = try #require(FIXTimestamp.parse(Array("16770922-00:12:44".utf8)))
        let last = try #require(FIXTimestamp.parse(Array("22620411-23:47:16".utf8)))
        let span = last.secondsSince(first)
        #expect(span > 1.8e10 && span < 1.9e10)
        #expect(first.secondsSince(last) == -span)
        #expect(FIXTimestamp(nanoseconds: 3_000_000_000).secondsSince(FIXTimestamp(nanoseconds: 500_000_000)) == 2.5)
    }

    @Test func civilDateConversionRoundTrips() {
        for days in stride(from: -1000 as Int64, to: 40000, by: 37) {
            let (y, m, d) = FIXTimestamp.civil(fromDays: days)
            #expect(FIXTimestamp.days(fromCivil: y, m, d) == days)
        }
    }
}

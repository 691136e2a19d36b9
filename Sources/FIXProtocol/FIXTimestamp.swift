/// A UTC instant with nanosecond resolution, as FIX timestamps carry it.
public struct FIXTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public init(secondsSince1970 s: Int64, nanoseconds ns: Int64 = 0) { self.nanoseconds = s * 1_000_000_000 + ns }

    public static func < (a: FIXTimestamp, b: FIXTimestamp) -> Bool { a.nanoseconds < b.nanoseconds }

    public var seconds: Int64 { nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000 }

    public func adding(seconds: Double) -> FIXTimestamp {
        FIXTimestamp(nanoseconds: nanoseconds + Int64(seconds * 1e9))
    }

    public func adding(nanoseconds ns: Int64) -> FIXTimestamp { FIXTimestamp(nanoseconds: nanoseconds + ns) }

    /// Seconds from `other` to `self` (positive when `self` is later).
    /// Two timestamps centuries apart (a peer's SendingTime may be any year from 1677 to 2262) are further
    /// apart than Int64 nanoseconds hold: their difference is then taken in floating point.
    public func secondsSince(_ other: FIXTimestamp) -> Double {
        let (d, overflow) = nanoseconds.subtractingReportingOverflow(other.nanoseconds)
        return overflow ? (Double(nanoseconds) - Double(other.nanoseconds)) / 1e9 : Double(d) / 1e9
    }

    /// `YYYYMMDD-HH:MM:SS.sss`
    public var description: String { String(decoding: formatted(milliseconds: true), as: UTF8.self) }

    /// Formats as `YYYYMMDD-HH:MM:SS` with `.sss` when `milliseconds` is true.
    public func formatted(milliseconds: Bool = true) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 21) { p, n in n = write(into: p, at: 0, milliseconds: milliseconds) }
    }

    public func append(to out: inout [UInt8], milliseconds: Bool = true) {
        // Written on the stack and appended once (one capacity check instead of 21).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { p in
            let n = write(into: p, at: 0, milliseconds: milliseconds)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[0..<n]))
        }
    }

    /// Writes `YYYYMMDD-HH:MM:SS[.sss]` (17 or 21 bytes) at `p[start...]`; returns the index after it.
    @inline(__always)
    func write(into p: UnsafeMutableBufferPointer<UInt8>, at start: Int, milliseconds: Bool) -> Int {
        let secs = seconds
        let ms = Int((nanoseconds - secs * 1_000_000_000) / 1_000_000)
        var days = secs / 86_400
        var rem = secs - days * 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = FIXTimestamp.civil(fromDays: days)
        var n = start
        @inline(__always) func put(_ c: UInt8) { p[n] = c; n += 1 }
        @inline(__always) func two(_ v: Int) { put(UInt8(48 + v / 10)); put(UInt8(48 + v % 10)) }
        let year = Int(y)
        put(UInt8(48 + (year / 1000) % 10)); put(UInt8(48 + (year / 100) % 10))
        two(year % 100); two(m); two(d)
        put(UInt8(ascii: "-"))
        let r = Int(rem)
        two(r / 3600); put(UInt8(ascii: ":")); two((r / 60) % 60); put(UInt8(ascii: ":")); two(r % 60)
        if milliseconds {
            put(UInt8(ascii: "."))
            put(UInt8(48 + ms / 100)); put(UInt8(48 + (ms / 10) % 10)); put(UInt8(48 + ms % 10))
        }
        return n
    }

    /// Parses `YYYYMMDD-HH:MM:SS[.f…]` (up to nine fraction digits).
    public static func parse<C: Collection>(_ c: C) -> FIXTimestamp? where C.Element == UInt8 {
        // Arrays and slices are read in place; other collections are copied once.
        if let parsed = c.withContiguousStorageIfAvailable({ parse(bytes: $0) }) { return parsed }
        return Array(c).withUnsafeBufferPointer { parse(bytes: $0) }
    }

    private static func parse(bytes v: UnsafeBufferPointer<UInt8>) -> FIXTimestamp? {
        guard v.count >= 17, v[8] == UInt8(ascii: "-"), v[11] == UInt8(ascii: ":"), v[14] == UInt8(ascii: ":") else {
            return nil
        }
        func num(_ a: Int, _ n: Int) -> Int? {
            var r = 0
            for k in a..<(a + n) {
                let d = v[k]
                guard d >= 48, d <= 57 else { return nil }
                r = r * 10 + Int(d - 48)
            }
            return r
        }
        guard let y = num(0, 4), let mo = num(4, 2), let d = num(6, 2), let h = num(9, 2), let mi = num(12, 2),
              let s = num(15, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s <= 60 else { return nil }
        var nanos: Int64 = 0
        if v.count > 17 {
            guard v[17] == UInt8(ascii: "."), v.count > 18, v.count <= 27 else { return nil }
            var scale: Int64 = 100_000_000
            for k in 18..<v.count {
                let dch = v[k]
                guard dch >= 48, dch <= 57 else { return nil }
                nanos += Int64(dch - 48) * scale
                scale /= 10
            }
        }
        let days = days(fromCivil: Int64(y), mo, d)
        let secs = days * 86_400 + Int64(h * 3600 + mi * 60 + s)
        // Nanoseconds since 1970 fit in Int64 only for years 1677–2262: anything else is not a usable time.
        let (scaled, overflow) = secs.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflow2) = scaled.addingReportingOverflow(nanos)
        guard !overflow2 else { return nil }
        return FIXTimestamp(nanoseconds: total)
    }

    /// Howard Hinnant's days_from_civil.
    public static func days(fromCivil y0: Int64, _ m: Int, _ d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((m + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// Exact decimal parsing of JSON/CSV number text into fixed-point integers (no Double on the way).
enum DecimalText {
    /// Parses `-12.50`, `5.0`, `1.79E12`, `"26.5"` into value × 10^`decimals`.
    /// Nil if not a number, if it overflows, or if it has non-zero digits beyond `decimals`.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, decimals: Int) -> Int64? {
        var i = 0
        let n = b.count
        while i < n, b[i] == 0x20 { i += 1 }
        var end = n
        while end > i, b[end - 1] == 0x20 { end -= 1 }
        guard i < end else { return nil }
        var negative = false
        if b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { negative = b[i] == UInt8(ascii: "-"); i += 1 }
        // Pass 1: find the digits, the point and the exponent.
        let digitsStart = i
        var digitCount = 0
        var pointAt = -1  // digits before the point
        while i < end {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                digitCount += 1
            } else if c == UInt8(ascii: ".") && pointAt < 0 {
                pointAt = digitCount
            } else {
                break
            }
            i += 1
        }
        guard digitCount > 0 else { return nil }
        let digitsEnd = i
        var exponent = 0
        if i < end && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < end && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
                expNegative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < end, b[i] >= 0x30, b[i] <= 0x39 {
                e = e * 10 + Int(b[i] - 0x30)
                expDigits += 1
                guard e < 400 else { return nil }
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent = expNegative ? -e : e
        }
        guard i == end else { return nil }
        if pointAt < 0 { pointAt = digitCount }
        // Pass 2: digit k has weight 10^(pointAt - 1 - k + exponent); keep those with weight >= 10^-decimals.
        let shift = pointAt + exponent + decimals  // how many leading digits form the scaled integer
        var value: Int64 = 0
        var k = 0
        for j in digitsStart..<digitsEnd {
            let c = b[j]
            if c == UInt8(ascii: ".") { continue }
            let d = Int64(c - 0x30)
            if k < shift {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                if o1 || o2 { return nil }
                value = a
            } else if d != 0 {
                return nil  // more precision than `decimals`
            }
            k += 1
        }
        if shift > digitCount {
            for _ in 0..<(shift - digitCount) {
                let (m, o) = value.multipliedReportingOverflow(by: 10)
                if o { return nil }
                value = m
            }
        }
        return negative ? -value : value
    }

    static func parse(_ s: String, decimals: Int) -> Int64? {
        var s = s
        return s.withUTF8 { parse($0, decimals: decimals) }
    }
}

/// 64-bit FNV-1a, stable across processes (unlike `Hasher`): the content hash stored with each row.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    mutating func add(_ s: String?) {
        guard let s else { add(byte: 0xFF); add(byte: 0x1F); return }
        for c in s.utf8 { add(byte: c) }
        add(byte: 0x1F)
    }

    mutating func add(_ v: Int64?) {
        guard let v else { add(byte: 0xFE); add(byte: 0x1F); return }
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 { add(byte: UInt8(x & 0xFF)); x >>= 8 }
        add(byte: 0x1F)
    }

    mutating func add(_ v: Bool?) { add(v.map { $0 ? 1 : 0 }) }

    var signed: Int64 { Int64(bitPattern: value) }
}

import OMSCore

extension InstrumentCatalog {
    /// Autocomplete search over active instruments, best first: exact trading symbol (or ISIN), then
    /// trading-symbol prefix, then words of the name. Within each tier equities come before indices and
    /// derivatives (futures before options, nearest expiry first), NSE before BSE.
    public func search(_ query: String, limit: Int) -> [Instrument] {
        let q = Self.normalizedQuery(query)
        guard !q.isEmpty, limit > 0 else { return [] }
        var out: [Int32] = []
        out.reserveCapacity(limit)
        var taken = Set<Int32>()
        func take(_ idx: Int32) -> Bool {
            guard instruments[Int(idx)].active, taken.insert(idx).inserted else { return out.count < limit }
            out.append(idx)
            return out.count < limit
        }
        // 1. Exact trading symbol (equities first), or ISIN.
        var exact = bySymbol[q] ?? []
        exact += byISIN[q] ?? []
        exact.sort { a, b in
            let ca = classes[Int(a)], cb = classes[Int(b)]
            if ca != cb { return ca < cb }
            let ea = instruments[Int(a)].expiryDay ?? 0, eb = instruments[Int(b)].expiryDay ?? 0
            if ea != eb { return ea < eb }
            return instruments[Int(a)].segment.rawValue > instruments[Int(b)].segment.rawValue
        }
        for idx in exact where !take(idx) { return materialize(out) }
        // 2. Trading-symbol prefix, per list in rank order.
        for list in prefixLists {
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if upperSymbols[Int(list[mid])] < q { lo = mid + 1 } else { hi = mid }
            }
            var k = lo
            while k < list.count, upperSymbols[Int(list[k])].hasPrefix(q) {
                if !take(list[k]) { return materialize(out) }
                k += 1
            }
        }
        // 3. Words of the name: every query word must start a word of the name.
        let qWords = Self.words(q)
        guard let first = qWords.first else { return materialize(out) }
        var lo = 0, hi = nameWords.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if nameWords[mid].word < first { lo = mid + 1 } else { hi = mid }
        }
        // Already in rank order per word (see `nameWords`); every further query word must start a word.
        var k = lo
        var scanned = 0
        while k < nameWords.count, nameWords[k].word.hasPrefix(first), scanned < 10_000 {
            let idx = nameWords[k].index
            k += 1
            scanned += 1
            if qWords.count > 1 {
                let w = wordsOfName[Int(idx)]
                guard qWords.dropFirst().allSatisfy({ qw in w.contains { $0.hasPrefix(qw) } }) else { continue }
            }
            if !take(idx) { break }
        }
        return materialize(out)
    }

    private func materialize(_ idx: [Int32]) -> [Instrument] { idx.map { instruments[Int($0)] } }

    /// Upper-cased, trimmed, single spaces.
    static func normalizedQuery(_ q: String) -> String {
        q.uppercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

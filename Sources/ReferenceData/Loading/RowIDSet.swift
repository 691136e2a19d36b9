/// A set of SQLite rowids as a bit set: one bit per row, so that a load of any size remembers which
/// instruments it has seen in a few dozen kilobytes.
struct RowIDSet {
    private var words: [UInt64] = []

    mutating func insert(_ rowid: Int64) {
        guard rowid >= 0 else { return }
        let w = Int(rowid >> 6)
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: max(w + 1 - words.count, words.count / 2))) }
        words[w] |= 1 << UInt64(rowid & 63)
    }

    func contains(_ rowid: Int64) -> Bool {
        guard rowid >= 0 else { return false }
        let w = Int(rowid >> 6)
        return w < words.count && words[w] & (1 << UInt64(rowid & 63)) != 0
    }
}

/// Splits a top-level JSON array, fed in chunks of any size, into the bytes of its elements, so that a file
/// of any size is parsed with memory for one element at a time. It checks the array's framing (opening `[`,
/// commas, closing `]`, nothing after it) and tracks strings, escapes and nesting; the syntax inside an
/// element is checked by `JSONElementParser`.
struct JSONArrayScanner {
    private enum State {
        /// Before the `[` (whitespace and a UTF-8 BOM allowed).
        case start
        /// After `[`: an element or `]`.
        case firstElementOrEnd
        /// After `,`: an element.
        case element
        /// Inside an element.
        case inElement
        /// After an element: `,` or `]`.
        case afterElement
        /// After the closing `]`: whitespace only.
        case done
    }

    private var state = State.start
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The element is a bare number or literal, which ends at a delimiter instead of a bracket.
    private var bareScalar = false
    private var pending: [UInt8] = []
    private var bomBytesSeen = 0
    /// Bytes consumed so far (for error positions).
    private(set) var offset = 0
    /// Elements found so far.
    private(set) var count = 0

    var isFinished: Bool { if case .done = state { true } else { false } }

    init() { pending.reserveCapacity(4096) }

    /// Feeds the next chunk; `onElement` gets each complete element's bytes and its index in the array.
    mutating func feed(_ chunk: UnsafeRawBufferPointer,
                       onElement: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        let bytes = chunk.bindMemory(to: UInt8.self)
        let n = bytes.count
        var i = 0
        var elementStart = -1  // start of the current element within this chunk, if it started here
        if case .inElement = state { elementStart = 0 }
        while i < n {
            let c = bytes[i]
            switch state {
            case .inElement:
                if inString {
                    // Fast path through string contents.
                    while i < n {
                        let s = bytes[i]
                        if escaped {
                            escaped = false
                        } else if s == UInt8(ascii: "\\") {
                            escaped = true
                        } else if s == UInt8(ascii: "\"") {
                            break
                        }
                        i += 1
                    }
                    if i == n { continue }
                    inString = false
                    i += 1
                    if depth == 0 { try emit(bytes, from: elementStart, to: i, onElement); elementStart = -1 }
                    continue
                }
                if bareScalar {
                    if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || Self.isSpace(c) {
                        bareScalar = false
                        try emit(bytes, from: elementStart, to: i, onElement)
                        elementStart = -1
                        continue  // the delimiter is handled in .afterElement
                    }
                    i += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        try emit(bytes, from: elementStart, to: i, onElement)
                        elementStart = -1
                        continue
                    }
                default: break
                }
                i += 1
            case .start:
                if Self.isSpace(c) {
                } else if bomBytesSeen < 3 && c == [0xEF, 0xBB, 0xBF][bomBytesSeen] && offset + i == bomBytesSeen {
                    bomBytesSeen += 1
                } else if c == UInt8(ascii: "[") {
                    state = .firstElementOrEnd
                } else if c == UInt8(ascii: "{") {
                    throw ReferenceFileError(.wrongShape, "the top level is a JSON object; expected an array of records")
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39)
                            || c == UInt8(ascii: "t") || c == UInt8(ascii: "f") || c == UInt8(ascii: "n") {
                    throw ReferenceFileError(.wrongShape, "the top level is a JSON scalar; expected an array of records")
                } else {
                    throw ReferenceFileError(.notJSON, "not JSON: unexpected byte 0x\(String(c, radix: 16)) at offset \(offset + i)")
                }
                i += 1
            case .firstElementOrEnd, .element:
                if Self.isSpace(c) { i += 1; continue }
                if c == UInt8(ascii: "]") {
                    guard case .firstElementOrEnd = state else {
                        throw ReferenceFileError(.notJSON, "not JSON: `]` after `,` at offset \(offset + i)")
                    }
                    state = .done
                    i += 1
                    continue
                }
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: ":") {
                    throw ReferenceFileError(.notJSON, "not JSON: unexpected `\(Character(UnicodeScalar(c)))` at offset \(offset + i)")
                }
                state = .inElement
                elementStart = i
                pending.removeAll(keepingCapacity: true)
                depth = 0
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                    depth = 1
                } else if c == UInt8(ascii: "\"") {
                    inString = true
                } else {
                    bareScalar = true
                }
                i += 1
            case .afterElement:
                if Self.isSpace(c) {
                } else if c == UInt8(ascii: ",") {
                    state = .element
                } else if c == UInt8(ascii: "]") {
                    state = .done
                } else {
                    throw ReferenceFileError(.notJSON, "not JSON: expected `,` or `]` after element \(count - 1) at offset \(offset + i)")
                }
                i += 1
            case .done:
                guard Self.isSpace(c) else {
                    throw ReferenceFileError(.notJSON, "not JSON: data after the closing `]` at offset \(offset + i)")
                }
                i += 1
            }
        }
        if case .inElement = state, elementStart >= 0 {
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[elementStart..<n]))
        }
        offset += n
    }

    /// Call at the end of input; throws if the array was not closed.
    func finish() throws {
        switch state {
        case .done: return
        case .start:
            throw ReferenceFileError(.notJSON, offset == 0 ? "the file is empty" : "not JSON: no array found")
        default:
            throw ReferenceFileError(.truncated, "the JSON array is not closed after \(count) records (file truncated)")
        }
    }

    private mutating func emit(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                               _ onElement: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        state = .afterElement
        let index = count
        count += 1
        if start >= 0 && pending.isEmpty {
            try onElement(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<end]), index)
        } else {
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[max(start, 0)..<end]))
            try pending.withUnsafeBytes { try onElement($0, index) }
            pending.removeAll(keepingCapacity: true)
        }
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }
}

import Foundation

/// Why a data dictionary could not be loaded: the file, and what was wrong.
public struct FIXDataDictionaryError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "data dictionary \(path): \(message)" }
}

extension FIXDataDictionary {
    /// Loads a QuickFIX-format XML dictionary from a file.
    /// - Throws: `FIXDataDictionaryError` naming the file and the problem.
    public static func load(path: String) throws -> FIXDataDictionary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FIXDataDictionaryError(path: path, message: "cannot read file")
        }
        do {
            return try parse(xml: [UInt8](data))
        } catch let e as XMLProblem {
            throw FIXDataDictionaryError(path: path, message: e.message)
        }
    }

    /// Parses a QuickFIX-format XML dictionary.
    public static func parse(xml: [UInt8]) throws -> FIXDataDictionary {
        let root = try MiniXML.parse(xml)
        guard root.name == "fix" else { throw XMLProblem(message: "root element is <\(root.name)>, expected <fix>") }
        let major = root.attributes["major"] ?? "4"
        let minor = root.attributes["minor"] ?? "4"
        let type = root.attributes["type"] ?? "FIX"
        let beginString = "\(type).\(major).\(minor)"

        // Fields first: everything else refers to them by name.
        var fields: [FIXFieldDefinition] = []
        var tagByName: [String: Int] = [:]
        var typeByTag: [Int: FIXFieldType] = [:]
        for f in root.child("fields")?.children ?? [] where f.name == "field" {
            guard let numText = f.attributes["number"], let number = Int(numText),
                  let name = f.attributes["name"] else {
                throw XMLProblem(message: "field without number or name on line \(f.line)")
            }
            let t = FIXFieldType(dictionaryName: f.attributes["type"] ?? "STRING")
            let values = f.children.filter { $0.name == "value" }.compactMap { $0.attributes["enum"] }
            fields.append(FIXFieldDefinition(tag: number, name: name, type: t,
                                             enumValues: values.isEmpty ? nil : values.map { Array($0.utf8) }))
            tagByName[name] = number
            typeByTag[number] = t
        }
        var components: [String: MiniXML.Element] = [:]
        for c in root.child("components")?.children ?? [] where c.name == "component" {
            if let n = c.attributes["name"] { components[n] = c }
        }

        struct Collected {
            var order: [Int] = []
            var required: [Int] = []
            var groups: [Int: FIXGroupDefinition] = [:]
        }

        func collect(_ element: MiniXML.Element, parentRequired: Bool, into out: inout Collected, depth: Int) throws {
            guard depth < 32 else { throw XMLProblem(message: "components nest too deep near line \(element.line)") }
            for child in element.children {
                let required = parentRequired && child.attributes["required"] == "Y"
                switch child.name {
                case "field":
                    guard let name = child.attributes["name"], let tag = tagByName[name] else {
                        throw XMLProblem(message: "unknown field '\(child.attributes["name"] ?? "")' on line \(child.line)")
                    }
                    out.order.append(tag)
                    if required { out.required.append(tag) }
                case "group":
                    guard let name = child.attributes["name"], let tag = tagByName[name] else {
                        throw XMLProblem(message: "unknown group '\(child.attributes["name"] ?? "")' on line \(child.line)")
                    }
                    var inner = Collected()
                    try collect(child, parentRequired: true, into: &inner, depth: depth + 1)
                    guard let delimiter = inner.order.first else {
                        throw XMLProblem(message: "empty group '\(name)' on line \(child.line)")
                    }
                    out.order.append(tag)
                    if required { out.required.append(tag) }
                    out.groups[tag] = FIXGroupDefinition(countTag: tag, delimiter: delimiter, order: inner.order,
                                                         required: inner.required, groups: inner.groups)
                case "component":
                    guard let name = child.attributes["name"], let comp = components[name] else {
                        throw XMLProblem(message: "unknown component '\(child.attributes["name"] ?? "")' on line \(child.line)")
                    }
                    try collect(comp, parentRequired: required, into: &out, depth: depth + 1)
                default:
                    continue
                }
            }
        }

        func definition(_ element: MiniXML.Element, name: String, msgType: String, isAdmin: Bool) throws -> FIXMessageDefinition {
            var c = Collected()
            try collect(element, parentRequired: true, into: &c, depth: 0)
            return FIXMessageDefinition(name: name, msgType: msgType, isAdmin: isAdmin, order: c.order,
                                        required: c.required, groups: c.groups)
        }

        guard let headerEl = root.child("header"), let trailerEl = root.child("trailer") else {
            throw XMLProblem(message: "missing <header> or <trailer>")
        }
        let header = try definition(headerEl, name: "header", msgType: "", isAdmin: true)
        let trailer = try definition(trailerEl, name: "trailer", msgType: "", isAdmin: true)
        var messages: [FIXMessageDefinition] = []
        for m in root.child("messages")?.children ?? [] where m.name == "message" {
            guard let name = m.attributes["name"], let msgType = m.attributes["msgtype"] else {
                throw XMLProblem(message: "message without name or msgtype on line \(m.line)")
            }
            messages.append(try definition(m, name: name, msgType: msgType, isAdmin: m.attributes["msgcat"] == "admin"))
        }
        return FIXDataDictionary(beginString: beginString, fields: fields, header: header, trailer: trailer,
                                 messages: messages)
    }
}

struct XMLProblem: Error {
    let message: String
}

/// Just enough XML for data dictionaries: elements, attributes, comments, the prolog. No text content.
enum MiniXML {
    final class Element {
        let name: String
        let attributes: [String: String]
        let line: Int
        var children: [Element] = []
        init(name: String, attributes: [String: String], line: Int) {
            self.name = name
            self.attributes = attributes
            self.line = line
        }
        func child(_ name: String) -> Element? { children.first { $0.name == name } }
    }

    static func parse(_ b: [UInt8]) throws -> Element {
        var i = 0
        var line = 1
        var stack: [Element] = []
        var root: Element?
        let n = b.count
        func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        while i < n {
            if b[i] == 10 { line += 1 }
            guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
            // Comments, prolog, doctype.
            if i + 3 < n, b[i + 1] == UInt8(ascii: "!"), b[i + 2] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: "-") {
                var j = i + 4
                while j + 2 < n, !(b[j] == UInt8(ascii: "-") && b[j + 1] == UInt8(ascii: "-") && b[j + 2] == UInt8(ascii: ">")) {
                    if b[j] == 10 { line += 1 }
                    j += 1
                }
                guard j + 2 < n else { throw XMLProblem(message: "unterminated comment at line \(line)") }
                i = j + 3
                continue
            }
            if i + 1 < n, b[i + 1] == UInt8(ascii: "?") || b[i + 1] == UInt8(ascii: "!") {
                while i < n, b[i] != UInt8(ascii: ">") { if b[i] == 10 { line += 1 }; i += 1 }
                i += 1
                continue
            }
            var j = i + 1
            let closing = j < n && b[j] == UInt8(ascii: "/")
            if closing { j += 1 }
            let nameStart = j
            while j < n, !isSpace(b[j]), b[j] != UInt8(ascii: ">"), b[j] != UInt8(ascii: "/") { j += 1 }
            let name = String(decoding: b[nameStart..<j], as: UTF8.self)
            guard !name.isEmpty else { throw XMLProblem(message: "malformed tag at line \(line)") }
            var attributes: [String: String] = [:]
            var selfClosing = false
            while true {
                while j < n, isSpace(b[j]) { if b[j] == 10 { line += 1 }; j += 1 }
                guard j < n else { throw XMLProblem(message: "unterminated <\(name)> at line \(line)") }
                if b[j] == UInt8(ascii: ">") { j += 1; break }
                if b[j] == UInt8(ascii: "/"), j + 1 < n, b[j + 1] == UInt8(ascii: ">") { selfClosing = true; j += 2; break }
                let aStart = j
                while j < n, b[j] != UInt8(ascii: "="), !isSpace(b[j]), b[j] != UInt8(ascii: ">") { j += 1 }
                let aName = String(decoding: b[aStart..<j], as: UTF8.self)
                while j < n, isSpace(b[j]) { j += 1 }
                guard j < n, b[j] == UInt8(ascii: "=") else { throw XMLProblem(message: "attribute '\(aName)' without value at line \(line)") }
                j += 1
                while j < n, isSpace(b[j]) { j += 1 }
                guard j < n, b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'") else {
                    throw XMLProblem(message: "unquoted attribute '\(aName)' at line \(line)")
                }
                let quote = b[j]
                j += 1
                let vStart = j
                while j < n, b[j] != quote { j += 1 }
                guard j < n else { throw XMLProblem(message: "unterminated attribute '\(aName)' at line \(line)") }
                attributes[aName] = unescape(String(decoding: b[vStart..<j], as: UTF8.self))
                j += 1
            }
            i = j
            if closing {
                guard let top = stack.popLast(), top.name == name else {
                    throw XMLProblem(message: "unexpected </\(name)> at line \(line)")
                }
                if stack.isEmpty { root = top }
                continue
            }
            let element = Element(name: name, attributes: attributes, line: line)
            if let parent = stack.last { parent.children.append(element) }
            if selfClosing {
                if stack.isEmpty { root = element }
            } else {
                stack.append(element)
            }
        }
        guard stack.isEmpty, let r = root else { throw XMLProblem(message: "document is empty or truncated") }
        return r
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

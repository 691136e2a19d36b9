import FIXProtocol
import Testing

struct FIXDataDictionaryTests {
    @Test func loadsFIX44WithVegaCustomFields() throws {
        let d = TestDictionary.fix44
        #expect(d.beginString == "FIX.4.4")
        for tag in 5001...5012 { #expect(d.isField(tag), "custom tag \(tag) missing") }
        #expect(d.fieldsByTag[5001]?.name == "ProductType")
        let nos = try #require(d.message("D"))
        #expect(nos.fields.contains(5001) && nos.fields.contains(5012))
        #expect(nos.required == [11, 40, 54, 60])  // QuickFIX FIX44: HandlInst and Symbol are optional
        #expect(try #require(d.message("8")).fields.contains(5006))
        #expect(d.message("A")?.isAdmin == true)
    }

    @Test(arguments: [
        "<fix major='4' minor='4'><header>",
        "<fix><header/><trailer/><messages><message name='X' msgtype='X'><field name='Nope' required='Y'/></message></messages><fields/></fix>",
        "<notfix/>",
        "<fix><header><field name=unquoted/></header></fix>",
    ])
    func malformedDictionariesAreRefusedWithAReason(xml: String) {
        #expect(throws: (any Error).self) { try FIXDataDictionary.parse(xml: Array(xml.utf8)) }
    }

    @Test func missingFileNamesThePath() {
        do {
            _ = try FIXDataDictionary.load(path: "/nonexistent/FIX44.xml")
            Issue.record("loaded a missing file")
        } catch {
            #expect("\(error)".contains("/nonexistent/FIX44.xml"))
        }
    }
}

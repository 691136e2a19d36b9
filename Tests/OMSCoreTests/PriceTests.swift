import OMSCore
import Testing

struct PriceTests {
    @Test(arguments: [("1402.50", Int64(14_025_000)), ("0.05", 500), ("-3", -30_000), ("002000.00", 20_000_000), ("25000", 250_000_000)])
    func parsesDecimalStrings(text: String, units: Int64) {
        #expect(Price(text)?.units == units)
    }

    /// Fifteen whole digits pass the digit count but not ×10⁴ in Int64: no price (they crashed the parser).
    @Test(arguments: ["999999999999999", "922337203685478", "-999999999999999", "922337203685477.5808",
                      "99999999999999999999"])
    func refusesWhatDoesNotFitInInt64Units(text: String) {
        #expect(Price(text) == nil)
    }

    @Test func theLargestPriceThatFitsIsParsed() {
        #expect(Price("922337203685477.5807")?.units == Int64.max)
        #expect(Price("922337203685477")?.units == 9_223_372_036_854_770_000)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1.00001", "-", "."])
    func refusesWhatIsNotAPrice(text: String) {
        #expect(Price(text) == nil)
    }

    @Test func formatsAndChecksTicks() {
        #expect(Price("1402.5")!.rupeesString == "1402.50")
        #expect(Price("0.05")!.description == "0.05")
        #expect(Price(paise: 10) == Price("0.10"))
        #expect(Price("1402.50")!.isMultiple(of: Price(paise: 10)))
        #expect(!Price("1402.55")!.isMultiple(of: Price(paise: 10)))
        #expect(Price(exactly: 26.5) == Price("26.5"))
    }

    @Test(arguments: [(Int64(14_025_000), "1402.5", "1402.50"), (500, "0.05", "0.05"), (-30_000, "-3", "-3.00"),
                      (0, "0", "0.00"), (-5, "-0.0005", "-0.0005"), (12_345_678_901, "1234567.8901", "1234567.8901"),
                      (10_000, "1", "1.00"), (Int64.min + 1, "-922337203685477.5807", "-922337203685477.5807")])
    func formatsEveryShapeOfValue(units: Int64, description: String, rupees: String) {
        #expect(Price(units: units).description == description)
        #expect(Price(units: units).rupeesString == rupees)
    }
}

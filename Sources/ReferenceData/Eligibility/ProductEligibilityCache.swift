import Foundation
import GRDB
import NIOConcurrencyHelpers
import OMSCore

/// The product eligibility cache: an immutable `EligibilitySnapshot` behind a lock that is held only to
/// read or swap the reference. A lookup never waits on a rebuild (rebuilds happen off to the side and are
/// swapped in atomically) and never touches SQLite.
public final class ProductEligibilityCache: ProductEligibility, Sendable {
    private let box = NIOLockedValueBox(EligibilitySnapshot.empty)
    /// Products for clients with no row in `client_product_permissions`; nil refuses them.
    public let defaultClientProducts: ProductSet?

    public init(defaultClientProducts: ProductSet? = nil) {
        self.defaultClientProducts = defaultClientProducts
    }

    /// The snapshot lookups use now.
    public var snapshot: EligibilitySnapshot { box.withLockedValue { $0 } }

    public func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial> {
        snapshot.check(client: client, instrument: instrument, product: product)
    }

    public func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet {
        snapshot.eligibleProducts(client: client, instrument: instrument)
    }

    /// Builds a new snapshot for the IST trading day of `now` from the database and swaps it in.
    @discardableResult
    public func rebuild(from reader: any DatabaseReader, now: Date) async throws -> EligibilitySnapshot {
        let day = ISTCalendar.day(ofEpochMillis: Int64(now.timeIntervalSince1970 * 1000))
        let defaults = defaultClientProducts
        let next = try await reader.read { db in
            try EligibilitySnapshot.build(db, tradingDay: day, builtAt: now, defaultClientProducts: defaults)
        }
        install(next)
        return next
    }

    /// Swaps in a snapshot.
    public func install(_ snapshot: EligibilitySnapshot) {
        box.withLockedValue { $0 = snapshot }
    }
}

import GRDB
import OMSPersistence

/// Opens `vega_trade.db` with every migration (the reference-data tables included), for tools that link
/// `ReferenceData` but not `OMSPersistence` (benchmarks, scripts).
public enum ReferenceDatabase {
    public static func open(path: String, fullSync: Bool = true) throws -> DatabasePool {
        try VegaDatabase.open(path: path, durability: fullSync ? .full : .normal)
    }
}

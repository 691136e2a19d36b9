import GRDB
import OMSPersistence

enum OMSPersistenceOpen {
    static func open(_ path: String) throws -> DatabasePool { try VegaDatabase.open(path: path, durability: .normal) }
}

import OMSAPIModels

extension LoadReport {
    /// The API/CLI form of the report.
    public var dto: LoadReportDTO {
        LoadReportDTO(
            fileName: fileName, kind: kind?.rawValue, status: status.rawValue, sha256: sha256, runID: runID, read: read,
            inserted: inserted, updated: updated, unchanged: unchanged, deactivated: deactivated, rejected: rejectedCount,
            rejections: rejections.map { .init(index: $0.index, reason: $0.reason) },
            error: error.map { APIErrorBody(code: $0.code.rawValue, message: $0.message) })
    }
}

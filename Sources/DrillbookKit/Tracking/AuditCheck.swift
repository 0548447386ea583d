public import Store

/// `audit verify` and `audit head`.
public enum AuditCheck {
    /// "intact: N entries, head H", or a `DrillbookError` naming the first bad entry.
    public static func verify(_ store: ScheduleStore, head: String?) throws(DrillbookError) -> String {
        let result: AuditVerification
        do { result = try store.verifyAudit(head: head) } catch { throw .store(error.description) }
        switch result {
        case .intact(let entries, let head): return "audit log intact: \(entries) entries, head \(head)"
        case .broken(let seq, let reason): throw .store("audit log broken at entry \(seq): \(reason)")
        }
    }

    public static func head(_ store: ScheduleStore) throws(DrillbookError) -> String {
        do {
            switch try store.verifyAudit() {
            case .intact(_, let head): return head
            case .broken(let seq, let reason): throw DrillbookError.store("audit log broken at entry \(seq): \(reason)")
            }
        } catch let error as DrillbookError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }
}

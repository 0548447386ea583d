import Dispatch
public import Store

/// `audit verify` and `audit head`: the schedule database's chain, and the incidents database's own.
public enum AuditCheck {
    /// "intact: N entries, head H", or a `DrillbookError` naming the first bad entry or row.
    public static func verify(_ store: any ScheduleStore, head: String?) throws(DrillbookError) -> String {
        let result: AuditVerification
        do { result = try store.verifyAudit(head: head) } catch { throw .store(error.description) }
        return try describe(result, log: "audit log")
    }

    /// The same for the incidents database.
    public static func verify(_ store: any IncidentStore, head: String?) throws(DrillbookError) -> String {
        let result: AuditVerification
        do { result = try store.verifyAudit(head: head) } catch { throw .store(error.description) }
        return try describe(result, log: "incidents audit log")
    }

    static func describe(_ result: AuditVerification, log: String) throws(DrillbookError) -> String {
        switch result {
        case .intact(let entries, let head): return "\(log) intact: \(entries) entries, head \(head)"
        case .broken(let seq, let reason): throw .store("\(log) broken at entry \(seq): \(reason)")
        case .tampered(let rows):
            let shown = rows.prefix(20).map { "  \($0)" }.joined(separator: "\n")
            let more = rows.count > 20 ? "\n  and \(rows.count - 20) more" : ""
            throw .store(
                "\(log): the chain holds but \(rows.count) row\(rows.count == 1 ? "" : "s") differ from it:\n\(shown)\(more)"
            )
        }
    }

    /// The head to keep elsewhere, with the number of entries it closes: `HASH (N entries)`.
    public static func head(_ store: any ScheduleStore) throws(DrillbookError) -> String {
        let result: AuditVerification
        do { result = try store.verifyAudit() } catch { throw .store(error.description) }
        return try headLine(result, log: "audit log")
    }

    public static func head(_ store: any IncidentStore) throws(DrillbookError) -> String {
        let result: AuditVerification
        do { result = try store.verifyAudit() } catch { throw .store(error.description) }
        return try headLine(result, log: "incidents audit log")
    }

    /// `head(_:)` of a schedule database, worked out on a thread of its own from the moment this is
    /// made; `value` waits for it (nil when the chain does not hold). `check` starts one before it
    /// reads the plan, which the chain's verification does not need: a state's plan takes a
    /// second to read, on one core.
    public final class PendingHead: @unchecked Sendable {
        private let done = DispatchGroup()
        // Written once, before `done` is left; read only after waiting for it.
        private var result: String?

        public init(_ store: any ScheduleStore) {
            done.enter()
            DispatchQueue.global().async { [self] in
                result = try? AuditCheck.head(store)
                done.leave()
            }
        }

        public var value: String? {
            done.wait()
            return result
        }
    }

    static func headLine(_ result: AuditVerification, log: String) throws(DrillbookError) -> String {
        if case .intact(let entries, let head) = result { return "\(head) (\(entries) entries)" }
        _ = try describe(result, log: log)
        return ""
    }
}

import Foundation
import Synchronization

/// A read started on another core at once and taken when it is wanted: a command that reads the
/// year on every core reads the completion log beside it, where read after the year a state's
/// half year of records (380,000) kept one core busy while the other waited. The two reads are
/// two snapshots, as they were when made one after the other.
///
/// `wait()` belongs in a `defer` where it is made: on a way out that skips `value()`, the other
/// core must not still be reading the store.
final class ReadBeside<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, DrillbookError>?>(nil)
    private let done = DispatchGroup()

    init(_ read: @escaping @Sendable () throws(DrillbookError) -> Value) {
        DispatchQueue.global().async(group: done) {
            let result = Result { () throws(DrillbookError) in try read() }
            self.outcome.withLock { $0 = result }
        }
    }

    /// Returns when the read has finished.
    func wait() { done.wait() }

    /// What the read gave, once it has finished.
    func value() throws(DrillbookError) -> Value {
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}

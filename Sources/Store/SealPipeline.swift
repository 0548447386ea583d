import Dispatch
import Planning

/// A first schedule's seals worked out on another core while this one inserts the rows: chunk by
/// chunk, each chunk's hashes ready (a semaphore apiece) before its rows are written; then, still
/// there, the audit entry's list of every sealed row, encoded.
///
/// Sealing before inserting kept both cores on the seals and then one on the inserts while the
/// other encoded the list; side by side the seals cost no time of their own.
final class SealPipeline: @unchecked Sendable {
    static let chunk = 1_024

    private let count: Int
    /// Chunk `i`'s hashes are written once on the other thread before `ready[i]` is signalled.
    private let hashes: UnsafeMutablePointer<[String]>
    private let ready: [DispatchSemaphore]
    private let finished = DispatchSemaphore(value: 0)
    private var encoded: String = ""

    var chunks: Int { ready.count }

    /// Starts sealing `items` (as rows of `year`) at once.
    init(_ items: [TrackedItem], year: String) {
        count = items.count
        let chunks = (items.count + Self.chunk - 1) / Self.chunk
        hashes = .allocate(capacity: chunks)
        hashes.initialize(repeating: [], count: chunks)
        ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        DispatchQueue.global().async { [self] in
            for part in 0..<chunks {
                hashes[part] = Self.range(part, of: items.count).map { index in
                    RowSeal.hash(columns: ItemRecord.sealOrder, values: ItemRecord(items[index], year: year).values)
                }
                ready[part].signal()
            }
            var named: [(String, String)] = []
            named.reserveCapacity(items.count)
            for part in 0..<chunks {
                for (index, hash) in zip(Self.range(part, of: items.count), hashes[part]) {
                    named.append(("item:\(items[index].item.uid)", hash))
                }
            }
            encoded = SortedJSON.object(named)
            finished.signal()
        }
    }

    deinit {
        // (The other thread holds this object until it is done: nothing is freed under it.)
        hashes.deinitialize(count: ready.count)
        hashes.deallocate()
    }

    static func range(_ part: Int, of count: Int) -> Range<Int> {
        (part * chunk)..<min(count, (part + 1) * chunk)
    }

    /// The items of chunk `part` (positions in the array given) with their hashes, once sealed.
    func chunk(_ part: Int) -> (items: Range<Int>, hashes: [String]) {
        ready[part].wait()
        ready[part].signal()  // a second look (`named`) finds it ready too
        return (Self.range(part, of: count), hashes[part])
    }

    /// Every sealed row by name (`item:UID` -> hash).
    func named(_ items: [TrackedItem]) -> [String: String] {
        var named: [String: String] = [:]
        named.reserveCapacity(count)
        for part in 0..<chunks {
            let (range, hashes) = chunk(part)
            for (index, hash) in zip(range, hashes) { named["item:\(items[index].item.uid)"] = hash }
        }
        return named
    }

    /// The audit entry's `rows`: what `AuditLog.encode(rows: named(items))` gives, made on the other core.
    func rows() -> String {
        finished.wait()
        finished.signal()
        return encoded
    }
}

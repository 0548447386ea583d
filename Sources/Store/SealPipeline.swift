import Dispatch
import GRDB
import Planning
import Synchronization

/// A first schedule's seals worked out on another core while this one inserts the rows: chunk by
/// chunk, each chunk's hashes ready (a semaphore apiece) before its rows are written, and the audit
/// entry's list of every sealed row written there as they are sealed.
///
/// Sealing before inserting kept both cores on the seals and then one on the inserts while the
/// other encoded the list; side by side the seals cost no time of their own. The values a row is
/// sealed from are the values it is inserted with: made once, there, and handed over with the
/// hash, so the inserting core only binds and steps. (It was the slower of the two, and made every
/// row's values a second time.)
final class SealPipeline: @unchecked Sendable {
    static let chunk = 1_024
    /// How many chunks of values (a thousand rows of bound values, about a megabyte) the sealing
    /// may run ahead of the inserts: a sixth of them, at least 8. The inserts are the slower half;
    /// the sealing, done with its last chunk that far ahead, has the audit entry's list ready
    /// before the inserts finish (when the whole list was encoded after the last chunk, a lead of
    /// 8 chunks left the inserts waiting for it: a tenth of a first schedule's store).
    static func lead(chunks: Int) -> Int { max(8, chunks / 6) }

    private let count: Int
    /// Chunk `i`'s hashes and rows are written once on the other thread before `ready[i]` is
    /// signalled; its rows are taken (and freed) by the inserts, which then signal `room`.
    private let hashes: UnsafeMutablePointer<[String]>
    private let bound: UnsafeMutablePointer<SealedRows>
    private let ready: [DispatchSemaphore]
    private let room: DispatchSemaphore
    /// Set when the inserts stopped (an error): the sealing stops too, instead of waiting for room.
    private let abandoned = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private var encoded: String = ""
    /// Sealing threads at work in this process: back to nought once every pipeline has ended, its
    /// inserts done or abandoned (none waits for room that will never come).
    static let running = Atomic<Int>(0)

    var chunks: Int { ready.count }

    /// The positions of `items`, in the order their rows are inserted.
    let order: [Int]

    /// Starts sealing `items` (as rows of `year`) at once, in `order` (positions in `items`, each once).
    init(_ items: [TrackedItem], order: [Int], year: String) {
        precondition(order.count == items.count)
        count = items.count
        self.order = order
        let chunks = (items.count + Self.chunk - 1) / Self.chunk
        hashes = .allocate(capacity: chunks)
        hashes.initialize(repeating: [], count: chunks)
        bound = .allocate(capacity: chunks)
        bound.initialize(repeating: SealedRows(capacity: 0), count: chunks)
        ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        // Made empty and then given its room: libdispatch traps when a semaphore is freed holding
        // less than it was made with, which an abandoned pipeline may.
        room = DispatchSemaphore(value: 0)
        for _ in 0..<Self.lead(chunks: chunks) { room.signal() }
        Self.running.add(1, ordering: .relaxed)
        DispatchQueue.global().async { [self] in
            defer { Self.running.subtract(1, ordering: .relaxed) }
            // The audit entry's list, written school by school as each is sealed (the rows go in by
            // school): at the end of the store it only ends the text. About 160 bytes a row.
            var list = SortedJSONBlocks(capacity: items.count * 160)
            var school: [(String, String)] = []
            var schoolID = ""
            for part in 0..<chunks {
                room.wait()
                if abandoned.load(ordering: .acquiring) {
                    finished.signal()
                    return
                }
                var sealed: [String] = []
                let range = Self.range(part, of: items.count)
                var rows = SealedRows(capacity: range.count)
                sealed.reserveCapacity(range.count)
                for index in range {
                    let tracked = items[order[index]]
                    let hash = rows.append(ItemRecord(tracked, year: year))
                    sealed.append(hash)
                    if list.inOrder {
                        if tracked.item.schoolID != schoolID {
                            list.append(school)
                            school.removeAll(keepingCapacity: true)
                            schoolID = tracked.item.schoolID
                        }
                        school.append(("item:\(tracked.item.uid)", hash))
                    }
                }
                hashes[part] = sealed
                bound[part] = rows
                ready[part].signal()
            }
            list.append(school)
            school = []
            if let text = list.finish() {
                encoded = text
            } else {
                // UIDs that do not begin with their school's path: the whole list sorted at once.
                var named: [(String, String)] = []
                named.reserveCapacity(items.count)
                for part in 0..<chunks {
                    for (index, hash) in zip(Self.range(part, of: items.count), hashes[part]) {
                        named.append(("item:\(items[order[index]].item.uid)", hash))
                    }
                }
                encoded = SortedJSON.object(named)
            }
            finished.signal()
        }
    }

    deinit {
        // (The other thread holds this object until it is done: nothing is freed under it.)
        hashes.deinitialize(count: ready.count)
        hashes.deallocate()
        bound.deinitialize(count: ready.count)
        bound.deallocate()
    }

    static func range(_ part: Int, of count: Int) -> Range<Int> {
        (part * chunk)..<min(count, (part + 1) * chunk)
    }

    /// The items of chunk `part` (positions in `order`) with their hashes, once sealed.
    func chunk(_ part: Int) -> (items: Range<Int>, hashes: [String]) {
        ready[part].wait()
        ready[part].signal()  // a second look (`named`) finds it ready too
        return (Self.range(part, of: count), hashes[part])
    }

    /// Chunk `part`'s rows to insert, once sealed (`SealedRows.insert(with:)`). Taken once, in
    /// order: the sealing goes on with the room it leaves.
    func take(_ part: Int) -> SealedRows {
        ready[part].wait()
        ready[part].signal()
        let taken = bound[part]
        bound[part] = SealedRows(capacity: 0)
        room.signal()
        return taken
    }

    /// The inserts stopped short: the sealing stops at its next chunk.
    func abandon() {
        abandoned.store(true, ordering: .releasing)
        room.signal()
    }

    /// Every sealed row by name (`item:UID` -> hash).
    func named(_ items: [TrackedItem]) -> [String: String] {
        var named: [String: String] = [:]
        named.reserveCapacity(count)
        for part in 0..<chunks {
            let (range, hashes) = chunk(part)
            for (index, hash) in zip(range, hashes) { named["item:\(items[order[index]].item.uid)"] = hash }
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

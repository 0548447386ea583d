internal import CLibical
import Dispatch

/// Hands the walk a sliced calendar's slices in order, parsing the next on another core while the
/// walk reads this one, and freeing each read slice there too: libical's parse and the walk each
/// take about half of a large calendar's read, and now run side by side.
///
/// The caller holds the libical lock for the whole read; the other core works under it on the
/// caller's behalf, on trees the walk does not touch yet (or any more). What the two threads share
/// in Debian's libical 3.0.16 is safe: the error number and the ring buffer are per thread, the
/// builtin zone cache is behind its own mutex, and the one plain global a parse writes, the table
/// of error states (set to non-fatal around each parse), only decides whether an error aborts,
/// which no state here ever asks for (libical is built with `ICAL_ERRORS_ARE_FATAL` off).
/// `SlicedReadTests` compares sliced reads with whole-file reads; `ConcurrentRenderingTests` does
/// so on many threads at once, beside renderings.
final class SliceReader: @unchecked Sendable {
    private let slices: CalendarSlices
    /// One serial queue: parses and frees run in the order asked, one at a time.
    private let queue = DispatchQueue(label: "drillbook.calendar-slices")
    /// Slot `i` is written once on the queue, before `ready[i]` is signalled; read after waiting.
    private let roots: UnsafeMutablePointer<OpaquePointer?>
    private let ready: [DispatchSemaphore]
    private var scheduled = 0
    private var taken = 0

    init(_ slices: CalendarSlices) {
        self.slices = slices
        roots = .allocate(capacity: slices.count)
        roots.initialize(repeating: nil, count: slices.count)
        ready = (0..<slices.count).map { _ in DispatchSemaphore(value: 0) }
        schedule()
    }

    var count: Int { slices.count }

    func shape(_ index: Int) -> ScannedComponent { slices.shape(index) }

    /// Slice `index` parsed, waiting for it if need be; the next one starts parsing meanwhile.
    /// Slices are taken in order, each once; the caller gives each back with `release`.
    func take(_ index: Int) -> OpaquePointer? {
        precondition(index == taken && index < slices.count, "slices are taken in order")
        taken += 1
        if scheduled <= index { schedule() }
        ready[index].wait()
        // One ahead, no more: a slice's tree is several times its text.
        schedule()
        let root = roots[index]
        roots[index] = nil
        return root
    }

    /// Frees a slice the walk has read, on the other core.
    func release(_ root: OpaquePointer) {
        let root = UncheckedPointer(root)
        queue.async { icalcomponent_free(root.pointer) }
    }

    /// Waits for the other core's work and frees slices never taken: called before the lock goes.
    func finish() {
        queue.sync {}
        for index in 0..<slices.count {
            if let root = roots[index] { icalcomponent_free(root) }
        }
        roots.deinitialize(count: slices.count)
        roots.deallocate()
    }

    private func schedule() {
        guard scheduled < slices.count else { return }
        let index = scheduled
        scheduled += 1
        queue.async { [self] in
            roots[index] = slices.parse(index)
            ready[index].signal()
        }
    }
}

/// A libical pointer handed to the other core, which alone uses it from then on.
private struct UncheckedPointer: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

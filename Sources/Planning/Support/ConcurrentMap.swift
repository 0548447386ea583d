import Dispatch

extension Array {
    /// `count` values, the `index`-th worked out by `body(index)`, on every core, in index order.
    ///
    /// Each slot is written by exactly one iteration and read only after `concurrentPerform` has
    /// returned, so no lock is needed. (A `Synchronization.Mutex` around a shared dictionary did the
    /// same; ThreadSanitizer cannot see that mutex's futex on Linux and reported its users as races,
    /// where it does see `concurrentPerform`'s ordering.) Used by the planner, the exporter and the
    /// store for work whose parts share nothing.
    public init(concurrentlyComputing count: Int, _ body: @Sendable (Int) -> Element) {
        var slots = [Element?](repeating: nil, count: count)
        slots.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: count) { index in buffer[index] = body(index) }
        }
        self = slots.map { $0! }
    }
}

extension Array {
    /// Rearranges the elements so that the `k`-th is the one that was at `order[k]`; `order` holds
    /// every position once. By swaps along the permutation's cycles: each element is moved, never
    /// copied (a sort of large structs copied them, every string of each retained and released, a
    /// sixth of placing a state's schools).
    package mutating func permute(_ order: [Int]) {
        precondition(order.count == count, "an order of \(order.count) positions for \(count) elements")
        var placed = [Bool](repeating: false, count: count)
        // Swapped through the buffer, whose `swapAt` moves the two elements' bytes: the array's
        // own copies each element out and back, retaining and releasing every string of it.
        withUnsafeMutableBufferPointer { elements in
            for start in order.indices where !placed[start] {
                placed[start] = true
                var current = start
                // The element first at `start` travels along the cycle: it sits at `current` until
                // `current` is the position that wants it.
                while order[current] != start {
                    let source = order[current]
                    precondition(!placed[source], "position \(source) is twice in the order")
                    elements.swapAt(current, source)
                    placed[source] = true
                    current = source
                }
            }
        }
    }
}

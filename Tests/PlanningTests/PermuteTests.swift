import Testing

@testable import Planning

/// Rearranging by swaps: the scheduler puts each school's items in time order this way.
@Suite struct PermuteTests {
    /// What `permute` must give: the k-th element is the one at `order[k]`.
    static func expected(_ elements: [String], _ order: [Int]) -> [String] { order.map { elements[$0] } }

    @Test func everyKindOfOrderGivesTheElementAtEachPosition() {
        var generator = SystemRandomNumberGenerator()
        var orders: [[Int]] = [
            [], [0], [0, 1], [1, 0], Array((0..<9).reversed()), [1, 2, 3, 4, 0], [3, 1, 4, 0, 2],
        ]
        for count in [2, 3, 7, 50, 300] {
            for _ in 0..<20 { orders.append(Array(0..<count).shuffled(using: &generator)) }
        }
        for order in orders {
            // Strings on the heap: a swap that lost or doubled one would show as a wrong element.
            let elements = order.indices.map { "element \($0) " + String(repeating: "x", count: 20) }
            var permuted = elements
            permuted.permute(order)
            #expect(permuted == Self.expected(elements, order), "\(order)")
        }
    }
}

import Testing

@testable import Store

/// A year's repeating columns are read through a `TextPool`: whatever it finds again (the row
/// before's text, or one kept from earlier rows), each read must give back exactly the bytes the row
/// holds, never another row's text.
struct TextPoolTests {
    static func read(_ pool: inout TextPool, _ text: String) -> String {
        Array(text.utf8).withUnsafeBufferPointer { pool.text($0) }
    }

    @Test func everyReadGivesTheRowsOwnTextWhateverCameBefore() {
        var pool = TextPool()
        // Repeats, alternations, a prefix of the text before, inline (short) and heap (long)
        // strings, empty text, and non-ASCII bytes.
        let long = "Safety coordinator of Lincoln High School (room 114)"
        let rows = [
            "", "", "school-1", "school-1", "school-12", "school-1", long, long, String(long.dropLast()), long,
            "", "Évacuation", "Évacuation", "school-1", "",
        ]
        for text in rows { #expect(Self.read(&pool, text) == text) }
    }

    @Test func aPoolThatStoppedKeepingNewTextStillReadsEachRowRight() {
        // Four slots: after two texts the pool keeps nothing new, and what it returns must still be
        // each row's own text.
        var pool = TextPool(capacity: 4)
        let rows = (0..<40).map { "owner-\($0 % 7)-of-a-long-enough-name" }
        for text in rows + rows.reversed() { #expect(Self.read(&pool, text) == text) }
    }
}

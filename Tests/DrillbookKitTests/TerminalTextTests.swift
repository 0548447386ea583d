import DrillbookKit
import Testing

/// What Drillbook prints of others' text shows control characters instead of sending them.
@Suite struct TerminalTextTests {
    @Test func controlsAndOverridesAreShownAndTextIsKept() {
        let plain = "Lincoln High School: fire drill, O’Brien, café\u{301}\tdone\nnext line"
        #expect(terminalSafe(plain) == plain)
        let hostile = "a\u{1B}[2Jb\rc\u{7}d\u{7F}e\u{9B}31mf\u{202E}gnp.exe\u{2066}h\u{0}"
        #expect(
            terminalSafe(hostile) == "a\\u{1B}[2Jb\\u{D}c\\u{7}d\\u{7F}e\\u{9B}31mf\\u{202E}gnp.exe\\u{2066}h\\u{0}")
        // A combining mark after ESC does not hide it (the escape is by scalar, not Character).
        #expect(terminalSafe("\u{1B}\u{301}[31m") == "\\u{1B}\u{301}[31m")
    }
}

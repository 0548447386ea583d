import DrillbookKit

/// libFuzzer's entry: each input goes to FuzzTargets.ruleSet.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.ruleSet(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@main struct Harness {
    static func main() { FuzzTargets.main(replaying: FuzzTargets.ruleSet) { fuzz($0, $1) } }
}

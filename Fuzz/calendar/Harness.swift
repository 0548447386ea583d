import DrillbookKit

/// libFuzzer's entry: each input goes to FuzzTargets.calendar.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.calendar(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@main struct Harness {
    static func main() { FuzzTargets.main(replaying: FuzzTargets.calendar) { fuzz($0, $1) } }
}

import DrillbookKit

/// libFuzzer's entry: each input goes to FuzzTargets.drillLog.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.drillLog(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@main struct Harness {
    static func main() { FuzzTargets.main(replaying: FuzzTargets.drillLog) { fuzz($0, $1) } }
}

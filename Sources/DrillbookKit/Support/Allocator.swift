internal import CAllocator
import Foundation

/// The process's allocator, set once at start.
public enum Allocator {
    /// One malloc arena per core instead of glibc's up to eight: work spread over the cores
    /// (placement, export, reading a year in parts) ran on threads that each took an arena of their
    /// own, and memory freed in one arena served no other. A state's 10,000-school run peaked at 1.8
    /// to 2.06 GiB from run to run; with one arena per core, at 1.79 GiB, and no slower. Call it
    /// before the work starts threads. Release builds link mimalloc, which replaces glibc's malloc
    /// (Package.swift, `releaseAllocator`): there this has nothing to govern; debug builds keep it.
    public static func oneArenaPerCore() {
        _ = drillbook_limit_malloc_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
    }
}

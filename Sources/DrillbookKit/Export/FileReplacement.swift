import Glibc

/// A file's new content, given piece by piece: written beside the file (`NAME.partial-…`, mode 0644)
/// and renamed over it when complete, so a reader sees the old file or the new one, never half of
/// one; or, when the pieces are the file already there byte for byte, nothing written at all.
///
/// Keeping an unchanged file is what a nightly `export` of an unchanged schedule should do: the
/// file keeps its modification time (a web server's `Last-Modified` and `ETag`, so subscribed
/// calendars get "not modified"), and no file is made, written and renamed for nothing: on ext4,
/// a rename over a file flushes the new one, and without a journal each new file is a walk past
/// every inode freed in the last half minute, which a rewrite of thousands of files frees.
final class FileReplacement {
    let path: String
    /// The file already there, compared with the pieces as they come, while they match (-1: none, or
    /// not a regular file, or no longer compared).
    private var old: Int32 = -1
    private var oldSize = 0
    /// How many bytes given so far match the old file's first bytes (and are not written yet).
    private var matched = 0
    /// The file being written, from the first piece that differs (-1 until then).
    private var descriptor: Int32 = -1
    private var temporary: String?
    private var scratch: [UInt8] = []
    /// Whether `finish` wrote the file (false: the file there was left as it was).
    private(set) var written = false
    private var done = false

    /// Opens the file there, if any, for comparing; else starts the new one, so a folder that cannot
    /// be written fails here.
    init(path: String) throws {
        self.path = path
        // Not blocking on a FIFO someone left there; one that cannot seek is not compared. (A folder
        // opens and seeks, and fails its first read: then the new file is written, and its rename
        // fails with the reason.)
        let existing = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if existing >= 0 {
            let size = lseek(existing, 0, SEEK_END)
            if size >= 0 {
                old = existing
                oldSize = Int(size)
            } else {
                close(existing)
            }
        }
        if old < 0 { try start() }
    }

    deinit {
        if old >= 0 { close(old) }
        if descriptor >= 0 { close(descriptor) }
        // Not finished (an error on the way): the partial file goes, the old one stays.
        if let temporary, !done { unlink(temporary) }
    }

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write($0) }
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if descriptor < 0 {
            if matches(bytes) {
                matched += bytes.count
                return
            }
            try diverge()
        }
        try writeAll(bytes)
    }

    /// Ends the file: renamed into place when anything differed, else left as it was.
    func finish() throws {
        if descriptor < 0 {
            if matched == oldSize {
                close(old)
                old = -1
                done = true
                return
            }
            try diverge()  // the old file goes on past the new one's end
        }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0, rename(temporary!, path) == 0 else { throw failure() }
        done = true
        written = true
    }

    /// Whether `bytes` are the old file's next bytes.
    private func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard matched + bytes.count <= oldSize else { return false }
        if scratch.count < bytes.count { scratch = [UInt8](repeating: 0, count: bytes.count) }
        // Unreadable is different: the new file is written.
        let read = try? scratch.withUnsafeMutableBytes { buffer in
            try readFully(old, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<bytes.count]), at: matched)
        }
        guard read == bytes.count else { return false }
        return scratch.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }

    /// The content differs from the old file's: the new file starts with what matched so far.
    private func diverge() throws {
        try start()
        var copied = 0
        if scratch.count < 1 << 20 { scratch = [UInt8](repeating: 0, count: 1 << 20) }
        while copied < matched {
            let part = min(scratch.count, matched - copied)
            let read = try scratch.withUnsafeMutableBytes { buffer in
                try readFully(old, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<part]), at: copied)
            }
            // The old file shrank under us: what it held is gone, so is this export's copy of it.
            guard read == part else { throw DrillbookError.usage("\(path): changed while it was being replaced") }
            try scratch.withUnsafeBufferPointer { try writeAll(UnsafeBufferPointer(rebasing: $0[..<part])) }
            copied += part
        }
        close(old)
        old = -1
    }

    private func start() throws {
        let name = "\(path).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let made = Glibc.open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        // 0644 whatever the umask: a published calendar is read by the web server, written by no one else.
        guard made >= 0 else { throw failure() }
        temporary = name
        descriptor = made
        guard fchmod(made, 0o644) == 0 else { throw failure() }
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var done = 0
        while done < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure()
            }
            done += written
        }
    }

    private func readFully(_ file: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        var done = 0
        while done < buffer.count {
            let read = pread(file, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if read < 0 {
                if errno == EINTR { continue }
                throw failure("cannot be read")
            }
            if read == 0 { break }
            done += read
        }
        return done
    }

    private func failure(_ what: String = "cannot be written") -> DrillbookError {
        .usage("\(path): \(what) (\(String(cString: strerror(errno))))")
    }
}

import Foundation
public import Store

/// Who a change is recorded as: `--as NAME`, else the login name.
public enum Actor {
    public static func context(_ name: String?, asOf: String) -> AuditContext {
        let login = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return AuditContext(actor: name ?? login, asOf: asOf, at: formatter.string(from: Date()))
    }
}

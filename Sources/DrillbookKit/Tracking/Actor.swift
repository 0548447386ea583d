import Foundation
public import Store

/// Who a change is recorded as: `--as NAME`, else the login name.
public enum Actor {
    /// The name changes are recorded under.
    public static func name(_ given: String?) -> String { context(given, asOf: "").actor }

    public static func context(_ name: String?, asOf: String) -> AuditContext {
        let environment = ProcessInfo.processInfo.environment
        let login = environment["USER"] ?? environment["LOGNAME"] ?? ProcessInfo.processInfo.userName
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return AuditContext(actor: name ?? login, asOf: asOf, at: formatter.string(from: Date()))
    }
}

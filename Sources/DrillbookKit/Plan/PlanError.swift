/// A plan, template or rule file that says something Drillbook cannot use, named by file, line and
/// field: `drillbook.yaml:14: activities[2].kind: "drill/fire-dril" is unknown (expected one of ...)`.
public struct PlanError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        // Line 0: the complaint is about the file as a whole (missing, or a mapping that matched nothing).
        (line > 0 ? "\(file):\(line): " : "\(file): ") + (field.isEmpty ? "" : "\(field): ") + message
    }
}

import DrillbookKit
import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import Planning

/// `import-log` in a browser: a district admin uploads a CSV or .xlsx drill log; every row or none
/// is imported, with the CLI's messages (named by the uploaded file's name and row).
extension WebApp {
    func addImportRoutes(to router: Router<WebContext>) {
        router.get("/import") { request, context in
            let principal = try require(context, path: request.uri.path)
            try Self.forbid(principal.role == .districtAdmin, "Importing a drill log is for district admins.")
            return page(
                "import", title: "Import a drill log", ["formCSRF": context.sessions.session?.csrf ?? ""],
                principal: principal, context: context)
        }
        router.post("/import") { request, context in
            let principal = try require(context, path: request.uri.path)
            try Self.forbid(principal.role == .districtAdmin, "Importing a drill log is for district admins.")
            let body = try await FormBody.read(request)
            try Self.checkCSRF(body.fields, request: request, context: context)
            var values: [String: Any] = ["formCSRF": context.sessions.session?.csrf ?? ""]
            guard let upload = body.files.first(where: { $0.field == "log" }), upload.data.readableBytes > 0 else {
                values["error"] = "Choose a CSV file or an .xlsx workbook."
                return page(
                    "import", title: "Import a drill log", values, principal: principal, context: context,
                    status: .badRequest)
            }
            // A workbook is a ZIP; anything else is read as CSV text, as the CLI reads a .csv.
            let isWorkbook = upload.data.getBytes(at: upload.data.readerIndex, length: 4) == [0x50, 0x4B, 0x03, 0x04]
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "drillbook-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent(isWorkbook ? "log.xlsx" : "log.csv").path
            try Data(upload.data.readableBytesView).write(to: URL(fileURLWithPath: path))
            let sheet = body.fields["sheet"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                let outcome = try LogImporter.run(
                    file: path, sheet: sheet, mapping: LogImporter.Mapping(), loaded: loaded, store: store,
                    actor: principal.name, asOf: server.today())
                values["imported"] = outcome.imported.count
                values["matched"] = outcome.imported.filter { $0.itemUID != nil }.count
                values["skipped"] = outcome.alreadyRecorded
                values["windows1252"] = outcome.readAsWindows1252
                let warnings = Tracker.recordWarnings(outcome.imported, loaded: loaded)
                values["warnings"] = warnings
                values["hasWarnings"] = !warnings.isEmpty
                values["done"] = true
                return page("import", title: "Import a drill log", values, principal: principal, context: context)
            } catch {
                values["error"] = "\(error)".replacingOccurrences(of: path, with: upload.filename)
                return page(
                    "import", title: "Import a drill log", values, principal: principal, context: context,
                    status: .badRequest)
            }
        }
    }
}

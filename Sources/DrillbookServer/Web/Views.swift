import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The web app's pages: `Templates/web/*.mustache` (swift-mustache, HTML-escaped by default), each
/// wrapped by `layout.mustache`.
struct Views: Sendable {
    let library: MustacheLibrary
    /// `drillbook.css`, served at `/static/drillbook.css`.
    let stylesheet: String
    /// `openapi.json`, the JSON API's description, served at `/openapi.json`.
    let openAPI: String
    /// What the district's paths start with: "" alone on a server, `/d/<district>` among many.
    /// Templates write their links as `{{base}}/schools/...`.
    let base: String

    /// Reads every `.mustache` file of `folder` (partials by file name).
    init(folder: String, base: String = "") throws {
        self.base = base
        var templates: [String: MustacheTemplate] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        MustacheContentTypes.register(ScalarHTML(), named: ScalarHTML.name)
        for name in names where name.hasSuffix(".mustache") {
            // swift-mustache's own HTML escaping tests each `Character`: a quote followed by a combining
            // mark went through raw and ended the attribute it stood in. Every template, and so every
            // partial (which swift-mustache starts again in its own HTML), opens with ours, on a line
            // of its own that renders nothing.
            let text =
                "{{%CONTENT_TYPE: \(ScalarHTML.name)}}\n"
                + (try String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8))
            do { templates[String(name.dropLast(9))] = try MustacheTemplate(string: text) } catch {
                throw WebError.templates("\(folder)/\(name): \(error)")
            }
        }
        guard templates["layout"] != nil else { throw WebError.templates("\(folder)/layout.mustache is missing") }
        library = MustacheLibrary(templates: templates)
        stylesheet = (try? String(contentsOfFile: "\(folder)/drillbook.css", encoding: .utf8)) ?? ""
        openAPI = (try? String(contentsOfFile: "\(folder)/openapi.json", encoding: .utf8)) ?? "{}"
    }

    /// A whole page: `name` rendered with `values`, inside the layout with the page's title, the
    /// signed-in user and the CSRF token for the sign-out form.
    func page(
        _ name: String, title: String, values: [String: Any], chrome: [String: Any], status: HTTPResponse.Status = .ok
    )
        -> Response
    {
        var values = values
        for (key, value) in chrome { values[key] = value }
        values["base"] = base
        let content = library.render(values, withTemplate: name) ?? ""
        values["content"] = content
        values["title"] = title
        values["base"] = base
        let html = library.render(values, withTemplate: "layout") ?? content
        return Self.html(html, status: status)
    }

    /// HTML with the headers every page carries: no caching (pages show confidential records), no
    /// framing, no referrer (setup and reset links carry tokens), a strict content security policy.
    static func html(_ text: String, status: HTTPResponse.Status = .ok, inlineStyles: Bool = false) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'self'\(inlineStyles ? " 'unsafe-inline'" : ""); img-src 'self' data:; "
                    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// HTML escaping by Unicode scalar (`htmlEscaped`), for `{{value}}` in the web templates.
struct ScalarHTML: MustacheContentType {
    static let name = "DRILLBOOK_HTML"
    func escapeText(_ text: String) -> String { htmlEscaped(text) }
}

enum WebError: Error, CustomStringConvertible {
    case templates(String)
    var description: String {
        switch self {
        case .templates(let message): "web templates: \(message)"
        }
    }
}

import Dates
import Foundation
import Planning
import Playbooks
import Store
import Synchronization
import Testing

@testable import DrillbookKit

/// Alerts through real parts: msmtp delivering to an SMTP server on 127.0.0.1, and an HTTP receiver
/// on 127.0.0.1 for the webhook; each alert once, a failed one retried.
@Suite(.serialized) struct AlertTests {
    /// A python helper from Tests/Checkers that prints its port and runs until we close its stdin.
    final class Sink {
        let process = Process()
        let input = Pipe()
        let folder: String
        let port: Int

        init(_ script: String) throws {
            folder =
                FileManager.default.temporaryDirectory.appendingPathComponent("drillbook-sink-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            process.executableURL = URL(fileURLWithPath: checkerPython())
            process.arguments = [packageRoot.appendingPathComponent("Tests/Checkers/\(script)").path, folder]
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8)
            {
                line += byte
            }
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        }

        func files() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder).filter {
                !["FAIL", "SLOW", "DRIP"].contains($0)
            }.sorted().map {
                try String(contentsOfFile: "\(folder)/\($0)", encoding: .utf8)
            }
        }

        deinit {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// The example district with an alerts section pointing at the sinks.
    static func plan(smtp: Sink, http: Sink) throws -> (LoadedPlan, String) {
        let folder = try exampleFolder()
        let rc = "\(folder)/msmtprc"
        try
            "defaults\nauth off\ntls off\naccount default\nhost 127.0.0.1\nport \(smtp.port)\nfrom drillbook@lakeside.example\n"
            .write(toFile: rc, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc)
        let file = "\(folder)/drillbook.yaml"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text += """
            alerts:
              ladder: {remind_before: 3d, overdue_after: 1d, repeat_every: 7d, escalate_after: 14d}
              mail: {from: drillbook@lakeside.example, sendmail: "msmtp -C \(rc) -t"}
              webhook: {url: "http://127.0.0.1:\(http.port)/hook", format: slack, timeout: 5}
            server: {base_url: "https://drills.lakeside.example"}

            """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: file, resources: resources)
        return (loaded, folder)
    }

    @Test func overdueItemsAreMailedAndPostedOnceAndAFailedPostIsRetried() throws {
        let smtp = try Sink("smtp_sink.py")
        let http = try Sink("http_sink.py")
        #expect(smtp.port > 0 && http.port > 0)
        let (loaded, folder) = try Self.plan(smtp: smtp, http: http)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        // The first day: nothing overdue yet, reminders only; make the webhook fail first.
        #expect(FileManager.default.createFile(atPath: "\(http.folder)/FAIL", contents: nil))
        let asOf = day("2027-08-17")
        var report = try Notifier.evaluate(loaded, store: store, asOf: asOf)
        #expect(report.hasOverdue)
        report = try Notifier.notify(
            report, loaded: loaded, store: store, resources: resources, asOf: asOf, actor: "test")
        #expect(!report.failures.isEmpty && report.failures.allSatisfy { $0.contains("answered HTTP 500") })
        let mails = try smtp.files()
        #expect(!mails.isEmpty)
        let overdue = try #require(
            mails.first { $0.contains("Subject: Overdue 1 days: Share the family communication protocol") })
        // The owner (communications) and the principal each get it.
        let recipients = mails.filter { $0.contains("Overdue 1 days: Share the family communication protocol") }
            .compactMap { $0.split(separator: "\n").first }
        #expect(recipients.contains("X-Envelope-To: comms@lakeside.example"))
        #expect(recipients.contains("X-Envelope-To: mchen@lakeside.example"))
        #expect(overdue.contains("Proposed make-up date: 2027-08-18"))
        // With a server, the mail links to the item's record form, not to the CLI.
        #expect(overdue.contains("at https://drills.lakeside.example/schools/"))
        #expect(overdue.contains("/items/family-communication-protocol-1/record"))
        #expect(!overdue.contains("drillbook complete"))
        #expect(overdue.contains("Content-Type: text/plain; charset=utf-8"))
        // Unannounced drills: the owner is reminded by mail, the chat channel hears nothing in advance.
        try FileManager.default.removeItem(atPath: "\(http.folder)/FAIL")
        let again = try Notifier.notify(
            try Notifier.evaluate(loaded, store: store, asOf: asOf), loaded: loaded, store: store, resources: resources,
            asOf: asOf,
            actor: "test")
        #expect(again.failures.isEmpty)
        #expect(
            again.sent.allSatisfy { $0.contains("by webhook") }, "mail already sent is not sent again: \(again.sent)")
        #expect(try smtp.files().count == mails.count)
        let posts = try http.files()
        #expect(!posts.isEmpty)
        #expect(posts.allSatisfy { $0.contains("\"text\"") })
        #expect(!posts.contains { $0.contains("fire-drill") && $0.contains("reminder") })
        // A third run sends nothing at all.
        let third = try Notifier.notify(
            try Notifier.evaluate(loaded, store: store, asOf: asOf), loaded: loaded, store: store, resources: resources,
            asOf: asOf,
            actor: "test")
        #expect(third.sent.isEmpty && third.failures.isEmpty && third.alreadySent > 0)
        #expect(try http.files().count == posts.count)
        // Every send and failure is in the audit log, and the chain holds.
        #expect(try AuditCheck.verify(store, head: nil).hasPrefix("audit log intact"))
    }

    @Test func aFamiliesNoticeIsMailedToCommunicationsOnItsDay() throws {
        let smtp = try Sink("smtp_sink.py")
        let http = try Sink("http_sink.py")
        let (loaded, folder) = try Self.plan(smtp: smtp, http: http)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        let notice = try #require(
            try Planner.published(loaded, store: store).first {
                $0.item.id == "lincoln-hs/lockdown-drill-families-notice-1"
            })
        let report = try Notifier.notify(
            try Notifier.evaluate(loaded, store: store, asOf: notice.item.date), loaded: loaded, store: store,
            resources: resources,
            asOf: notice.item.date, actor: "test")
        #expect(
            report.sent.contains {
                $0.hasPrefix(
                    "lincoln-hs/lockdown-drill-families-notice-1 (family-notice) by mail to comms@lakeside.example")
            })
        let mail = try #require(
            try smtp.files().first { $0.contains("Ready to send to families: Lockdown drill at Lincoln High School") })
        #expect(mail.contains("Dear families,"))
    }

    /// A late step of a live incident reaches its holder by text through the plan's gateway, once;
    /// an exercise sends nothing; a phone that is not E.164 is refused with the plan's line.
    @Test func lateIncidentStepsReachTheirHoldersByTextOnce() throws {
        let http = try Sink("http_sink.py")
        let folder = try exampleFolder()
        let file = "\(folder)/drillbook.yaml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        let contact = "principal: {name: Omar Haddad, email: ohaddad@lakeside.example}"
        #expect(original.contains(contact))
        let gateway = """
            alerts:
              sms: {url: "http://127.0.0.1:\(http.port)/sms", fields: {From: "+15125550100"}}
              webhook: {url: "http://127.0.0.1:\(http.port)/hook", format: json}

            """
        try
            (original.replacingOccurrences(
                of: contact,
                with: "principal: {name: Omar Haddad, email: ohaddad@lakeside.example, phone: \"5125550123\"}")
            + gateway)
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(
            performing: { _ = try Planner.load(planFile: file, resources: resources) },
            throws: { "\($0)".contains("is not an E.164 number") && "\($0)".contains("drillbook.yaml:") })
        try
            (original.replacingOccurrences(
                of: contact,
                with: "principal: {name: Omar Haddad, email: ohaddad@lakeside.example, phone: \"+15125550123\"}")
            + gateway)
            .write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: file, resources: resources)
        let schedule = try Planner.openStore("\(folder)/drillbook.sqlite")
        let library = try PlaybookLibrary.load(resources: resources, planFolder: folder)
        let store = try Incidents.openStore("\(folder)/drillbook-incidents.sqlite")
        let opened = 1_822_734_600
        let start = Incidents(loaded: loaded, library: library, store: store, now: opened, actor: "t")
        let live = try start.open("bomb-threat", school: "ridge-ms", exercise: false, facts: ["threat_words": "SECRET"])
        _ = try start.open("bomb-threat", school: "ridge-ms", exercise: true, facts: [:])
        let later = Incidents(loaded: loaded, library: library, store: store, now: opened + 7200, actor: "t")
        let late = try later.lateSteps()
        #expect(late.contains { $0.incident == live && $0.phone == "+15125550123" })
        let first = try later.notifyLate(late, scheduleStore: schedule, resources: resources, asOf: "2027-10-05")
        #expect(first.failures.isEmpty, "\(first.failures)")
        let texts = first.sent.filter { $0.contains("by sms") }
        #expect(texts.count == late.filter { !$0.exercise && $0.phone != nil }.count && !texts.isEmpty)
        let received = try http.files()
        let bodies = received.filter { $0.hasPrefix("Body=") || $0.contains("&To=") }
        #expect(bodies.count == texts.count)
        // The chat channel hears once per late step, whatever the roles: the id and title, no facts.
        let posts = received.filter { $0.hasPrefix("{") }
        #expect(posts.count == Set(late.filter { !$0.exercise }.map { "\($0.incident)/\($0.step)" }).count)
        #expect(posts.allSatisfy { $0.contains("\"incident\":\"\(live)\"") && !$0.contains("SECRET") })
        #expect(bodies.allSatisfy { $0.contains("To=%2B15125550123") && $0.contains("From=%2B15125550100") })
        #expect(bodies.allSatisfy { $0.contains("incident%20\(live)") && !$0.contains("SECRET") })
        let again = try later.notifyLate(
            try later.lateSteps(), scheduleStore: schedule, resources: resources, asOf: "2027-10-05")
        #expect(again.sent.isEmpty)
        #expect(try http.files().count == received.count, "each alert once")
    }

    /// A marker planted in every confidential fact of every built-in playbook, the incidents run live
    /// until their steps are late, and every channel searched: mail, SMS, webhook, the schedule
    /// database, every calendar, `status`, `list` and both reports. Only the incidents file holds it.
    @Test func confidentialFactsReachNoChannel() throws {
        let http = try Sink("http_sink.py")
        let folder = try exampleFolder()
        let file = "\(folder)/drillbook.yaml"
        let contact = "principal: {name: Omar Haddad, email: ohaddad@lakeside.example}"
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: contact,
            with: "principal: {name: Omar Haddad, email: ohaddad@lakeside.example, phone: \"+15125550123\"}")
        try
            (text + """
                alerts:
                  mail: {from: drillbook@lakeside.example, sendmail: "cat >> '\(folder)/mail.txt'"}
                  sms: {url: "http://127.0.0.1:\(http.port)/sms"}
                  webhook: {url: "http://127.0.0.1:\(http.port)/hook", format: json}

                """).write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: file, resources: resources)
        let schedule = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: schedule, asOf: day("2027-08-01"))
        let library = try PlaybookLibrary.load(resources: resources, planFolder: folder)
        let store = try Incidents.openStore("\(folder)/drillbook-incidents.sqlite")
        let opened = 1_822_734_600
        let start = Incidents(loaded: loaded, library: library, store: store, now: opened, actor: "t")
        var planted = 0
        for (id, playbook) in library.playbooks.sorted(by: { $0.key < $1.key }) {
            var facts: [String: String] = [:]
            for (name, fact) in playbook.facts where fact.confidential && fact.kind == .text {
                facts[name] = "MARKER-\(name)"
            }
            guard !facts.isEmpty else { continue }
            planted += facts.count
            _ = try start.open(id, school: "ridge-ms", exercise: false, facts: facts)
        }
        #expect(planted >= 3, "the built-in playbooks have confidential facts to plant")
        let later = Incidents(loaded: loaded, library: library, store: store, now: opened + 86_400, actor: "t")
        let late = try later.lateSteps()
        #expect(!late.isEmpty)
        let sent = try later.notifyLate(late, scheduleStore: schedule, resources: resources, asOf: "2027-10-06")
        #expect(sent.sent.contains { $0.contains("by mail") } && sent.sent.contains { $0.contains("by sms") })
        #expect(sent.sent.contains { $0.contains("by webhook") })
        var outputs: [(String, String)] = [("mail", try String(contentsOfFile: "\(folder)/mail.txt", encoding: .utf8))]
        outputs += try http.files().map { ("sms or webhook", $0) }
        for id in try store.incidentIDs() {
            outputs.append(("status \(id)", try later.status(id)))
            outputs.append(("report \(id)", try later.report(id, html: false)))
            outputs.append(("html report \(id)", try later.report(id, html: true)))
        }
        outputs.append(("list", "\(try later.list(status: nil, school: nil))"))
        let items = try Planner.published(loaded, store: schedule)
        for audience in Audience.allCases {
            outputs.append(
                (
                    "\(audience) calendar",
                    try Exporter(loaded: loaded, asOf: day("2027-10-06")).calendar(
                        items, school: nil, audience: audience)
                ))
        }
        for name in ["drillbook.sqlite", "drillbook.sqlite-wal"] {
            if let data = FileManager.default.contents(atPath: "\(folder)/\(name)") {
                outputs.append((name, String(decoding: data, as: UTF8.self)))
            }
        }
        for (channel, text) in outputs {
            #expect(!text.contains("MARKER-"), "a confidential fact reached \(channel)")
        }
        // The incidents file is where they live.
        let incidents = ["drillbook-incidents.sqlite", "drillbook-incidents.sqlite-wal"].compactMap {
            FileManager.default.contents(atPath: "\(folder)/\($0)").map { String(decoding: $0, as: UTF8.self) }
        }.joined()
        #expect(incidents.contains("MARKER-"))
    }
}

/// Header injection: a title with CR LF and a Bcc: line stays inside the subject.
@Suite struct MailHeaderTests {
    @Test func noValueCanAddAHeader() throws {
        let message = MailMessage(
            from: "drillbook@lakeside.example", to: "a@lakeside.example",
            subject: "Fire drill\r\nBcc: everyone@evil.example", body: "x\n", itemID: "lincoln-hs/fire-drill-1")
        // Any line end a mail transport honours: LF, CR LF, or CR.
        let headers = message.text.components(separatedBy: "\n\n")[0].split(whereSeparator: {
            $0 == "\n" || $0 == "\r\n" || $0 == "\r"
        })
        #expect(!headers.contains { $0.hasPrefix("Bcc:") })
        #expect(headers.contains { $0 == "Subject: Fire drill  Bcc: everyone@evil.example" })
    }

    /// The webhook's timeout is the whole request's; a 2xx is final as soon as its status arrives.
    @Test func aWebhookTimeoutBoundsTheWholeRequestAndA2xxIsFinal() throws {
        let http = try AlertTests.Sink("http_sink.py")
        let sender = WebhookSender(url: URL(string: "http://127.0.0.1:\(http.port)/hook")!, timeout: 1)
        try "4".write(toFile: "\(http.folder)/SLOW", atomically: true, encoding: .utf8)
        var started = Date()
        let late = sender.send(Data("{}".utf8))
        // Failed (URLSession's resource timeout or ours, whichever fires first), long before the answer at 4 s.
        #expect(late != nil, "the slow answer was waited for")
        #expect(Date().timeIntervalSince(started) < 3.5, "the wait outlived the timeout")
        try FileManager.default.removeItem(atPath: "\(http.folder)/SLOW")
        // 200 at once, then a body that drips for five seconds: taken, and not waited for.
        try "".write(toFile: "\(http.folder)/DRIP", atomically: true, encoding: .utf8)
        started = Date()
        #expect(sender.send(Data("{}".utf8)) == nil)
        #expect(Date().timeIntervalSince(started) < 4.5, "the dripping body was waited for")
        #expect(try http.files().count == 2)
    }

    /// Webhooks posted from many threads at once, to a receiver that takes them and one that fails
    /// them, some cut short by their timeout: each send is told its own request's answer, and the
    /// process outlives it (a session made and torn down per request crashed it now and then).
    @Test func webhooksSentAtOnceEachHearTheirOwnAnswer() throws {
        let taking = try AlertTests.Sink("http_sink.py")
        let failing = try AlertTests.Sink("http_sink.py")
        let slow = try AlertTests.Sink("http_sink.py")
        try "".write(toFile: "\(failing.folder)/FAIL", atomically: true, encoding: .utf8)
        try "3".write(toFile: "\(slow.folder)/SLOW", atomically: true, encoding: .utf8)
        let sinks = [taking, failing, slow]
        let rounds = 48
        let answers = Mutex([Int: String?]())
        let ports = sinks.map(\.port)
        // A thread each, all waiting at once (a pool of two cores' threads would send two at a time).
        let sent = DispatchGroup()
        for round in 0..<rounds {
            sent.enter()
            Thread {
                let sender = WebhookSender(
                    url: URL(string: "http://127.0.0.1:\(ports[round % 3])/hook")!, timeout: round % 3 == 2 ? 1 : 20)
                let answer = sender.send(Data("{\"round\":\(round)}".utf8))
                answers.withLock { $0[round] = answer }
                sent.leave()
            }.start()
        }
        #expect(sent.wait(timeout: .now() + 60) == .success)
        let heard = answers.withLock { $0 }
        #expect(heard.count == rounds)
        for round in 0..<rounds {
            let answer = heard[round] ?? "no send"
            switch round % 3 {
            case 0: #expect(answer == nil, "round \(round) was taken, and heard \(answer ?? "")")
            case 1: #expect(answer?.hasSuffix("answered HTTP 500") == true, "round \(round): \(answer ?? "nil")")
            default:
                // Drillbook's bound or URLSession's own timeout, whichever came first.
                #expect(
                    answer.map { $0.contains("no answer within 1 s") || $0.contains("timed out") } == true,
                    "round \(round): \(answer ?? "nil")")
            }
        }
        #expect(try taking.files().count == rounds / 3)
    }
}

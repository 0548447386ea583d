public import Planning

/// A district's plan (`drillbook.yaml`) as read: the source of truth for what should happen.
public struct Plan: Sendable {
    /// The plan file's path, and the folder its relative paths resolve against.
    public var file: String
    public var folder: String
    public var district: District
    /// `2027-2028`.
    public var year: String
    /// The district's calendar, resolved against `folder`.
    public var calendar: String
    public var calendarMapping: CalendarMapping
    public var schools: [PlannedSchool]
    /// Activities from templates and the plan itself, with drills from the rule sets added.
    public var activities: [Activity]
    /// Rule sets by name (`baseline`, `TX`), in order.
    public var ruleSets: [String]
    /// The rule sets as read (local files included): what `check` judges.
    public var rules: [ComplianceRuleSet]
    /// Earlier school years the plan kept (`rollover`), each with its calendar file.
    public var earlierYears: [String: String] = [:]
    /// When reminders and overdue notices go out.
    public var ladder = AlertLadder()
    /// How alerts are sent (`alerts.mail`, `alerts.webhook`).
    public var channels = AlertChannels()
    /// `drillbook serve`: its public address and what it publishes.
    public var server = ServerSettings()
}

/// The plan's `server:`: the address people reach the server at, which feed URLs and mailed links
/// use, and whether each school's families calendar is public.
public struct ServerSettings: Sendable {
    /// `https://drills.lakeside.example`, without a trailing `/`.
    public var baseURL: String?
    public var publishFamilies = false
    /// Reverse proxies whose `X-Forwarded-For`/`-Proto` the server believes; from anyone else those
    /// headers are ignored.
    public var trustedProxies: [String] = []

    public init() {}
}

/// The plan's `alerts:` channels.
public struct AlertChannels: Sendable {
    /// The sender address, and the sendmail-compatible command that delivers (msmtp, Postfix, Exim).
    public var mailFrom: String?
    public var sendmail = "sendmail -t -i"
    /// An HTTP endpoint that takes a JSON POST (Slack and Teams incoming webhooks read its `text`).
    public var webhookURL: String?
    public var webhookFormat = "slack"
    public var webhookTimeoutSeconds = 10
    /// `alerts.run_at: "06:30"`: when `drillbook serve` evaluates and sends alerts each day, in
    /// minutes after the district's midnight; nil leaves them to a cron job running `overdue --notify`.
    public var runAt: Int?
    /// `alerts.sms`: late incident steps reach role holders with a `phone` by text message.
    public var sms: SMSGateway?

    public init() {}
}

/// An SMS gateway reached by a form POST (the shape Twilio-like gateways take).
public struct SMSGateway: Sendable {
    public var url: String
    /// Sent as they are (`From: "+15125550100"`).
    public var fields: [String: String] = [:]
    /// The names of the recipient's and the text's fields.
    public var toField = "To"
    public var bodyField = "Body"
    /// The environment variable holding the whole Authorization header (`Basic ...`): secrets stay
    /// out of the plan.
    public var authHeaderEnvironment: String?
    public var timeoutSeconds = 10

    public init(url: String) { self.url = url }
}

/// A school with the calendar it keeps (its own, or the district's).
public struct PlannedSchool: Sendable {
    public var school: School
    public var calendar: String
}

/// How a district's calendar names things: each list holds `PROPERTY:value` or `PROPERTY:/regex/`.
public struct CalendarMapping: Sendable {
    public var firstDay = ["SUMMARY:/First Day of School/"]
    public var lastDay = ["SUMMARY:/Last Day of School/"]
    public var semester = ["CATEGORIES:SEMESTER"]
    public var quarter = ["CATEGORIES:QUARTER"]
    public var closure = ["CATEGORIES:HOLIDAY", "SUMMARY:/No School/"]
    /// Checked before `closure`: a staff development day "with no school for students" is staff-only.
    public var staffOnly = ["CATEGORIES:STAFF-DEVELOPMENT", "SUMMARY:/Staff Development/"]
    public var testing = ["CATEGORIES:TESTING"]
    /// Days students are dismissed early: school days on which no drill is placed.
    public var earlyRelease = [
        "CATEGORIES:EARLY-RELEASE", "SUMMARY:/(?i)early release|early dismissal|half day|minimum day/",
    ]

    public init() {}
}

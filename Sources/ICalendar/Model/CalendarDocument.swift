/// A VCALENDAR: a named list of events, as a district publishes it or Drillbook exports it.
public struct CalendarDocument: Hashable, Sendable {
    public var productID: String
    /// `PUBLISH` for files people import or subscribe to; REQUEST would turn them into invitations.
    public var method: String?
    /// X-WR-CALNAME: the name clients show for a subscribed calendar.
    public var name: String?
    /// X-WR-CALDESC.
    public var description: String?
    public var events: [Event]
    /// Other calendar-level properties, in order (`REFRESH-INTERVAL`, `X-PUBLISHED-TTL`).
    public var extraProperties: [ExtraProperty]
    /// The VTIMEZONEs a file read defines, by TZID, as text: they give times in zones with
    /// non-Olson names (Outlook's "Central Standard Time") their meaning. The writer makes its own.
    public var timeZoneDefinitions: [String: String] = [:]

    public init(
        productID: String = "-//Drillbook//Drillbook//EN", method: String? = "PUBLISH", name: String? = nil,
        description: String? = nil, events: [Event] = [], extraProperties: [ExtraProperty] = []
    ) {
        self.productID = productID
        self.method = method
        self.name = name
        self.description = description
        self.events = events
        self.extraProperties = extraProperties
    }
}

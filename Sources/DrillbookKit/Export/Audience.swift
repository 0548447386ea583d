public import Planning

/// Who a calendar file is for, and so what it may show.
public enum Audience: String, Sendable, CaseIterable {
    /// Everything, with exact times.
    case admin
    /// Announced items in full; an unannounced drill only as "a safety drill this week" with no
    /// time; no reviews of unannounced drills; no administrators' notices.
    case staff
    /// Announced drills, awareness campaigns and family messages only: never an unannounced drill,
    /// a review, a meeting or an incident.
    case families

    /// How `item` appears in this audience's calendar, if at all.
    public func view(of item: ScheduledItem) -> ItemView? {
        switch self {
        case .admin:
            return .full
        case .staff:
            if item.adminOnly { return nil }
            if item.kind.isDrill && !item.announced { return .weekMarker }
            if item.kind == .afterActionReview && !item.announced { return nil }
            return .full
        case .families:
            guard item.announced, !item.adminOnly else { return nil }
            switch item.kind {
            case .drill, .awarenessCampaign, .familyCommunication: return .full
            default: return nil
            }
        }
    }
}

/// How an item shows in a calendar.
public enum ItemView: Sendable {
    case full
    /// An all-day, Monday-to-Friday "Safety drill this week" with no time and no type.
    case weekMarker
}

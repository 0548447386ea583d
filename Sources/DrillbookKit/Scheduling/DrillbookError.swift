import ICalendar
public import Planning

/// Everything a Drillbook command can fail on, each saying what to fix; the CLI prints it and exits 1.
public enum DrillbookError: Error, Sendable, CustomStringConvertible {
    case plan(PlanError)
    case calendar(CalendarLoadError)
    case scheduling([SchedulingError])
    case resources(ResourceError)
    case store(String)
    /// What was asked conflicts with what another writer stored a moment before (an item recorded
    /// twice at once); nothing was written.
    case conflict(String)
    case usage(String)

    public var description: String {
        switch self {
        case .plan(let error): error.description
        case .calendar(let error): error.description
        case .scheduling(let errors): errors.map(\.description).joined(separator: "\n") + "\nnothing was written"
        case .resources(let error): error.description
        case .store(let message): message
        case .conflict(let message): message
        case .usage(let message): message
        }
    }
}

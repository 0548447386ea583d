/// Each state's time zone for a starter plan: where a state spans several, the zone most of its
/// people live in, with the others named so a district there can change it.
enum StateZones {
    static let zones: [String: (zone: String, others: [String])] = [
        "AL": ("America/Chicago", []), "AK": ("America/Anchorage", ["America/Adak"]),
        "AZ": ("America/Phoenix", ["America/Denver (Navajo Nation)"]), "AR": ("America/Chicago", []),
        "CA": ("America/Los_Angeles", []), "CO": ("America/Denver", []), "CT": ("America/New_York", []),
        "DE": ("America/New_York", []), "DC": ("America/New_York", []),
        "FL": ("America/New_York", ["America/Chicago (western Panhandle)"]), "GA": ("America/New_York", []),
        "HI": ("Pacific/Honolulu", []), "ID": ("America/Boise", ["America/Los_Angeles (northern Idaho)"]),
        "IL": ("America/Chicago", []),
        "IN": ("America/Indiana/Indianapolis", ["America/Chicago (northwestern and southwestern counties)"]),
        "IA": ("America/Chicago", []), "KS": ("America/Chicago", ["America/Denver (western counties)"]),
        "KY": ("America/New_York", ["America/Chicago (western Kentucky)"]), "LA": ("America/Chicago", []),
        "ME": ("America/New_York", []), "MD": ("America/New_York", []), "MA": ("America/New_York", []),
        "MI": ("America/Detroit", ["America/Menominee (four Upper Peninsula counties)"]),
        "MN": ("America/Chicago", []), "MS": ("America/Chicago", []), "MO": ("America/Chicago", []),
        "MT": ("America/Denver", []), "NE": ("America/Chicago", ["America/Denver (western Nebraska)"]),
        "NV": ("America/Los_Angeles", ["America/Denver (West Wendover)"]), "NH": ("America/New_York", []),
        "NJ": ("America/New_York", []), "NM": ("America/Denver", []), "NY": ("America/New_York", []),
        "NC": ("America/New_York", []), "ND": ("America/Chicago", ["America/Denver (southwestern counties)"]),
        "OH": ("America/New_York", []), "OK": ("America/Chicago", []),
        "OR": ("America/Los_Angeles", ["America/Boise (Malheur County)"]), "PA": ("America/New_York", []),
        "RI": ("America/New_York", []), "SC": ("America/New_York", []),
        "SD": ("America/Chicago", ["America/Denver (western South Dakota)"]),
        "TN": ("America/Chicago", ["America/New_York (East Tennessee)"]),
        "TX": ("America/Chicago", ["America/Denver (El Paso, Hudspeth)"]), "UT": ("America/Denver", []),
        "VT": ("America/New_York", []), "VA": ("America/New_York", []), "WA": ("America/Los_Angeles", []),
        "WV": ("America/New_York", []), "WI": ("America/Chicago", []), "WY": ("America/Denver", []),
    ]
}

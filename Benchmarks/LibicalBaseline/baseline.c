#include "LibicalBaseline.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static icalproperty *zoned(icalproperty *prop, const char *tzid) {
    icalproperty_add_parameter(prop, icalparameter_new_tzid(tzid));
    return prop;
}

libical_baseline_result libical_baseline_run(int count) {
    libical_baseline_result result = {0};
    const char *tzid = "America/Chicago";
    double t0 = now();
    icalcomponent *calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent_add_property(calendar, icalproperty_new_version("2.0"));
    icalcomponent_add_property(calendar, icalproperty_new_prodid("-//Drillbook//Baseline//EN"));
    icalcomponent_add_property(calendar, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icaltimezone *zone = icaltimezone_get_builtin_timezone(tzid);
    icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
    icalproperty_set_tzid(icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY), tzid);
    icalcomponent_add_component(calendar, vtz);
    struct icaltimetype stamp = icaltime_from_string("20270801T120000Z");
    char uid[64], summary[96];
    for (int i = 0; i < count; i++) {
        icalcomponent *event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        snprintf(uid, sizeof uid, "bench-%d@drillbook.example", i);
        snprintf(summary, sizeof summary, "Fire drill %d (Lincoln High School)", i);
        struct icaltimetype start = icaltime_null_time();
        start.year = 2027; start.month = 9; start.day = 1; start.hour = 9;
        icaltime_adjust(&start, i % 3650, 0, i % 7, 0);
        struct icaltimetype end = start;
        icaltime_adjust(&end, 0, 0, 20, 0);
        icalcomponent_add_property(event, icalproperty_new_uid(uid));
        icalcomponent_add_property(event, icalproperty_new_dtstamp(stamp));
        icalcomponent_add_property(event, zoned(icalproperty_new_dtstart(start), tzid));
        icalcomponent_add_property(event, zoned(icalproperty_new_dtend(end), tzid));
        icalcomponent_add_property(event, icalproperty_new_summary(summary));
        icalcomponent_add_property(event, icalproperty_new_categories("drill/fire"));
        icalcomponent *alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
        icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
        struct icaltriggertype trigger = {icaltime_null_time(), icaldurationtype_from_int(-900)};
        icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
        icalcomponent_add_property(alarm, icalproperty_new_description("Reminder"));
        icalcomponent_add_component(event, alarm);
        icalcomponent_add_component(calendar, event);
    }
    double t1 = now();
    char *text = icalcomponent_as_ical_string_r(calendar);
    double t2 = now();
    result.bytes = strlen(text);
    icalcomponent_free(calendar);
    icalcomponent *parsed = icalparser_parse_string(text);
    /* Read every event's fields, as the Swift reader does, so both sides do the same work. */
    for (icalcomponent *event = icalcomponent_get_first_component(parsed, ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(parsed, ICAL_VEVENT_COMPONENT)) {
        volatile const char *u = icalcomponent_get_uid(event);
        volatile const char *s = icalcomponent_get_summary(event);
        struct icaltimetype st = icalcomponent_get_dtstart(event);
        (void)u; (void)s; (void)st;
        result.parsed_events++;
    }
    double t3 = now();
    icalcomponent_free(parsed);
    icalmemory_free_buffer(text);
    result.build_seconds = t1 - t0;
    result.serialize_seconds = t2 - t1;
    result.parse_seconds = t3 - t2;
    return result;
}

#ifndef DRILLBOOK_LIBICAL_BASELINE_H
#define DRILLBOOK_LIBICAL_BASELINE_H

#include <stddef.h>

/* Seconds spent in each phase of the plain-C baseline, and bytes of text produced. */
typedef struct {
    double build_seconds;
    double serialize_seconds;
    double parse_seconds;
    size_t bytes;
    size_t parsed_events;
} libical_baseline_result;

/* Builds `count` VEVENTs (zoned start and end, summary, categories, one alarm) in one VCALENDAR,
   serializes it and parses it back, with libical alone: what the Swift wrapper is measured against. */
libical_baseline_result libical_baseline_run(int count);

#endif

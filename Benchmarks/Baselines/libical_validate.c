/* The C baseline for `drillbook calendar validate`: a plain program over libical that reads an
 * .ics file, parses it, serializes it back and expands every recurring event, timing each step.
 * Prints one JSON object. Built and run by Benchmarks/bench.py; not part of Drillbook.
 *
 *   cc -O2 libical_validate.c $(pkg-config --cflags --libs libical) -o libical-validate
 *   ./libical-validate calendar.ics
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: libical-validate FILE.ics\n");
        return 64;
    }
    double t0 = now();
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 1; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc(size + 1);
    if (fread(text, 1, size, file) != (size_t)size) { perror(argv[1]); return 1; }
    text[size] = 0;
    fclose(file);
    icalcomponent *calendar = icalparser_parse_string(text);
    free(text);
    if (!calendar) { fprintf(stderr, "%s: not a calendar\n", argv[1]); return 1; }
    long events = 0;
    for (icalcomponent *event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        events++;
    }
    double t1 = now();
    char *out = icalcomponent_as_ical_string_r(calendar);
    size_t written = strlen(out);
    icalmemory_free_buffer(out);
    double t2 = now();
    long occurrences = 0;
    for (icalcomponent *event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        icalproperty *rrule = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
        if (!rrule) { occurrences++; continue; }
        struct icalrecurrencetype recur = icalproperty_get_rrule(rrule);
        struct icaltimetype start = icalcomponent_get_dtstart(event);
        icalrecur_iterator *it = icalrecur_iterator_new(recur, start);
        if (!it) continue;
        /* Every rule of the benchmark's file ends by COUNT or UNTIL, well inside Drillbook's cap. */
        for (struct icaltimetype next = icalrecur_iterator_next(it); !icaltime_is_null_time(next);
             next = icalrecur_iterator_next(it)) {
            occurrences++;
        }
        icalrecur_iterator_free(it);
    }
    double t3 = now();
    icalcomponent_free(calendar);
    printf("{\"events\": %ld, \"bytes\": %zu, \"read_parse\": %.6f, \"serialize\": %.6f, \"expand\": %.6f, "
           "\"occurrences\": %ld, \"total\": %.6f}\n",
           events, written, t1 - t0, t2 - t1, t3 - t2, occurrences, t3 - t0);
    return 0;
}

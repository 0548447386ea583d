#ifndef DRILLBOOK_CLIBICAL_SHIM_H
#define DRILLBOOK_CLIBICAL_SHIM_H

#include <libical/ical.h>
#include <string.h>

/* Swift cannot import C macros that expand to expressions: wrap them. */

static inline icalerrorenum drillbook_icalerrno(void) { return icalerrno; }
static inline void drillbook_icalerrno_clear(void) { icalerror_clear_errno(); }

/* libical 3.0.16's icalparser_parse_string hands its parser 80 bytes at a time and searches the
 * whole rest of the text for the next newline on every call (strchr): a 10 MB line took 9 s. This
 * generator searches only as far as it copies, so parsing is linear in the text. */
struct drillbook_text_cursor {
    const char *next;
    const char *end;
};

static inline char *drillbook_text_line(char *out, size_t size, void *data) {
    struct drillbook_text_cursor *cursor = (struct drillbook_text_cursor *)data;
    if (cursor->next >= cursor->end || size < 2) return 0;
    size_t room = (size_t)(cursor->end - cursor->next);
    if (room > size - 1) room = size - 1;
    const char *newline = (const char *)memchr(cursor->next, '\n', room);
    size_t count = newline ? (size_t)(newline - cursor->next) + 1 : room;
    memcpy(out, cursor->next, count);
    out[count] = '\0';
    cursor->next += count;
    return out;
}

/* Parses `length` bytes of iCalendar text as icalparser_parse_string does, in linear time. */
static inline icalcomponent *drillbook_parse(const char *text, size_t length) {
    struct drillbook_text_cursor cursor = {text, text + length};
    icalerrorstate state = icalerror_get_error_state(ICAL_MALFORMEDDATA_ERROR);
    icalparser *parser = icalparser_new();
    if (!parser) return 0;
    icalparser_set_gen_data(parser, &cursor);
    icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, ICAL_ERROR_NONFATAL);
    icalcomponent *component = icalparser_parse(parser, drillbook_text_line);
    icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, state);
    icalparser_free(parser);
    return component;
}

#endif

#ifndef DRILLBOOK_CLIBICAL_SHIM_H
#define DRILLBOOK_CLIBICAL_SHIM_H

#include <libical/ical.h>

/* Swift cannot import C macros that expand to expressions: wrap them. */

static inline icalerrorenum drillbook_icalerrno(void) { return icalerrno; }
static inline void drillbook_icalerrno_clear(void) { icalerror_clear_errno(); }

#endif

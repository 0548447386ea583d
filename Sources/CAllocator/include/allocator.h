#ifndef DRILLBOOK_CALLOCATOR_H
#define DRILLBOOK_CALLOCATOR_H

/* glibc's mallopt, which Swift's Glibc module does not bring in (malloc.h). Returns 1 on success,
 * 0 elsewhere (another C library) or on failure. */
int drillbook_limit_malloc_arenas(int count);

#endif

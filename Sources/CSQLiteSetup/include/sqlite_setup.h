#ifndef DRILLBOOK_CSQLITESETUP_H
#define DRILLBOOK_CSQLITESETUP_H

/* sqlite3_config is variadic, which Swift cannot call. Sets, before SQLite's first use in the
 * process, the multi-thread mode (no mutex per call on a connection; GRDB already hands each
 * connection to one thread at a time) and no memory statistics (a global mutex per allocation).
 * Returns 0 when both took, or SQLite's error (SQLITE_MISUSE once SQLite is in use). */
int drillbook_sqlite_setup(void);

#endif

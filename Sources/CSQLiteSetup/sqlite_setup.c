#include "sqlite_setup.h"

#include <sqlite3.h>

int drillbook_sqlite_setup(void) {
    int threads = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    int statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return threads != SQLITE_OK ? threads : statistics;
}

/* embedded.h — files compiled into the binary by tools/embed.sh. */
#ifndef CICLO_EMBEDDED_H
#define CICLO_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
    const char *name; /* file name, e.g. "001_init.sql" */
    const char *data; /* NUL-terminated contents */
    size_t len;
};

extern const char *const embedded_openapi; /* openapi/openapi.yaml */
extern const size_t embedded_openapi_len;
extern const struct embedded_file embedded_migrations[]; /* the files of sql/, sorted by name */
extern const int embedded_migration_count;

#endif

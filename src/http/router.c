#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Matches one pattern against the path; fills ids. Returns 1 on a match. */
static int match(const char *pat, const char *path, int64_t ids[HTTP_MAX_IDS], int *nids)
{
    int n = 0;
    while (*pat && *path) {
        if (strncmp(pat, "{id}", 4) == 0) {
            if (*path < '1' || *path > '9' || n >= HTTP_MAX_IDS)
                return 0;
            int64_t v = 0;
            int digits = 0;
            for (; *path >= '0' && *path <= '9'; path++, digits++) {
                if (digits >= 18)
                    return 0;
                v = v * 10 + (*path - '0');
            }
            ids[n++] = v;
            pat += 4;
            continue;
        }
        if (*pat != *path)
            return 0;
        pat++;
        path++;
    }
    if (*pat || *path)
        return 0;
    *nids = n;
    return 1;
}

enum route_match router_match(const route *routes, int n, const char *method, const char *path, const route **out,
                              int64_t ids[HTTP_MAX_IDS], int *nids, char *allow, size_t allowlen)
{
    int path_known = 0;
    size_t used = 0;
    allow[0] = '\0';
    for (int i = 0; i < n; i++) {
        int64_t tmp[HTTP_MAX_IDS];
        int tn = 0;
        if (!match(routes[i].pattern, path, tmp, &tn))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            memcpy(ids, tmp, sizeof tmp);
            *nids = tn;
            *out = &routes[i];
            return ROUTE_FOUND;
        }
        path_known = 1;
        if (used < allowlen)
            used += (size_t)snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "", routes[i].method);
    }
    return path_known ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

/* wide.c — 128-bit integer helpers shared by the files of the rules library. */
#include "internal.h"

rules_wide wide_div_round(rules_wide n, rules_wide d)
{
    int neg = (n < 0) != (d < 0);
    if (n < 0)
        n = -n;
    if (d < 0)
        d = -d;
    rules_wide q = n / d, r = n % d;
    if (r * 2 >= d)
        q++;
    return neg ? -q : q;
}

rules_wide wide_isqrt(rules_wide v)
{
    if (v <= 0)
        return 0;
    if (v < 4)
        return 1;
    /* start from a power of two above the root, then Newton */
    int bits = 0;
    for (rules_wide t = v; t > 0; t >>= 1)
        bits++;
    rules_wide x = (rules_wide)1 << ((bits + 1) / 2);
    rules_wide y = (x + v / x) / 2;
    while (y < x) {
        x = y;
        y = (x + v / x) / 2;
    }
    return x;
}

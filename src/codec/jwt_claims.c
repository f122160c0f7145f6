/* jwt_claims.c — exp, nbf, iat and aud of a JWT claims set (jwt_claims.h). */
#include "codec/jwt_claims.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int refuse(jwt_refusal *r, const char *check, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(jwt_refusal *r, const char *check, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
    r->check = check;
    return -1;
}

/* A NumericDate claim: 1 with *out, 0 when absent, -1 when not a number. */
static int numeric_date(json_t *claims, const char *name, double *out)
{
    json_t *v = json_object_get(claims, name);
    if (!v)
        return 0;
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 1;
}

static int audience_holds(json_t *aud, const char *want)
{
    if (json_is_string(aud))
        return strcmp(json_string_value(aud), want) == 0;
    size_t i;
    json_t *a;
    json_array_foreach(aud, i, a)
    {
        if (json_is_string(a) && strcmp(json_string_value(a), want) == 0)
            return 1;
    }
    return 0;
}

int jwt_check_claims(json_t *claims, double now, int skew, const char *audience, jwt_refusal *r)
{
    double t = 0;
    int has = numeric_date(claims, "exp", &t);
    if (has <= 0)
        return refuse(r, "exp", "the token has no expiry time (exp)");
    if (now > t + skew)
        return refuse(r, "exp", "the token expired %.0f s ago", now - t);
    if ((has = numeric_date(claims, "nbf", &t)) < 0)
        return refuse(r, "nbf", "nbf is not a time");
    if (has && now + skew < t)
        return refuse(r, "nbf", "the token is not valid before %.0f s from now", t - now);
    if ((has = numeric_date(claims, "iat", &t)) <= 0)
        return refuse(r, "iat", "the token has no issue time (iat)");
    if (now + skew < t)
        return refuse(r, "iat", "the token was issued %.0f s in the future", t - now);
    if (!audience_holds(json_object_get(claims, "aud"), audience))
        return refuse(r, "aud", "the token is not meant for this service (aud)");
    return 0;
}

/* fuzz_feed_text.c — libFuzzer target for what reads a feed's text and a request's negotiation
 * headers (issue 18): the charset conversion and its error location (codec/charset.h), and the
 * Accept / Accept-Language readers (codec/accept.h). The first byte picks the charset. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/accept.h"
#include "codec/charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const charsets[] = {NULL, "utf-8", "windows-1252", "iso-8859-1", "iso-8859-15", "ebcdic"};
    if (size < 1)
        return 0;
    const char *cs = charsets[data[0] % 6];
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    char *out = NULL;
    size_t out_len = 0, bad = 0;
    const char *used = NULL;
    charset_status st = charset_to_utf8(in, len, cs, &out, &out_len, &bad, &used);
    if (st == CHARSET_OK && (!out || out[out_len] != '\0' || out_len > 3 * len))
        __builtin_trap();
    if (st == CHARSET_INVALID) {
        if (bad >= len)
            __builtin_trap();
        int line = 0;
        char field[64];
        charset_locate(in, len, bad, &line, field, sizeof field);
        if (line < 1 || strlen(field) >= sizeof field)
            __builtin_trap();
    }
    free(out);
    /* the same bytes as header values */
    char header[512];
    size_t n = len < sizeof header - 1 ? len : sizeof header - 1;
    memcpy(header, in, n);
    header[n] = '\0';
    int q = accept_media_quality(header, "application/json");
    if (q < 0 || q > 1000)
        __builtin_trap();
    static const char *const langs[] = {"en", "it", NULL};
    int l = accept_language_pick(header, langs);
    if (l < 0 || l > 1)
        __builtin_trap();
    char param[40];
    charset_param(header, param, sizeof param);
    if (strlen(param) >= sizeof param)
        __builtin_trap();
    return 0;
}

/* fuzz_headcheck.c — libFuzzer target for the guard's judgement of a header block
 * (src/http/headcheck.c): any bytes, no crash, and a consistent verdict. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/headcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > HEAD_BYTES_MAX)
        size = HEAD_BYTES_MAX;
    char *s = malloc(size ? size : 1); /* exactly size bytes: ASan sees a read past them */
    if (!s)
        return 0;
    memcpy(s, data, size);
    head_verdict v, w;
    switch (head_check(s, size, &v)) {
    case HEAD_PASS:
        /* the block ends with its blank line, and it alone passes the same way */
        if (!v.line_whole || v.block_len == 0 || v.block_len > size || s[v.block_len - 1] != '\n')
            abort();
        if (head_check(s, v.block_len, &w) != HEAD_PASS || w.block_len != v.block_len)
            abort();
        break;
    case HEAD_REFUSE:
        if (!v.code || !v.detail[0] ||
            (v.status != 400 && v.status != 413 && v.status != 414 && v.status != 431 && v.status != 501 &&
             v.status != 505))
            abort();
        break;
    case HEAD_MORE:
        if (size >= HEAD_BYTES_MAX)
            abort(); /* a full buffer is always decided */
        break;
    }
    free(s);
    return 0;
}

/* fuzz_csv_read.c — libFuzzer target for the ERP feeds' CSV reader. */
#include <stdint.h>
#include <string.h>

#include "codec/csv_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    csv_reader r;
    csv_reader_init(&r, (const char *)data, size, ';');
    size_t total = 0;
    int rc;
    while ((rc = csv_read_record(&r)) == 1) {
        for (int i = 0; i < r.ncells; i++)
            total += strlen(r.cells[i]);
        if (r.line < 1 || r.ncells < 1 || r.ncells > CSV_MAX_CELLS)
            __builtin_trap();
    }
    if (total > size)
        __builtin_trap();
    csv_reader_free(&r);
    return 0;
}

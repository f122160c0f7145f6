/*
 * charset.h — the text of an ERP feed in UTF-8, whatever charset it came in (issue 18).
 * Italian ERPs and spreadsheets export Windows-1252 ("attivit\xe0"): a feed says so in its
 * Content-Type (`text/csv; charset=windows-1252`), or says nothing, and then a body that is
 * valid UTF-8 is read as UTF-8 and any other as Windows-1252. Converted with iconv (glibc);
 * nothing else here does I/O or keeps state.
 */
#ifndef CICLO_CHARSET_H
#define CICLO_CHARSET_H
#include <stddef.h>

typedef enum {
    CHARSET_OK = 0,
    CHARSET_UNSUPPORTED = -1, /* a charset this server does not read */
    CHARSET_INVALID = -2,     /* bytes that are not text in the charset (*bad is their offset) */
    CHARSET_NO_MEMORY = -3,
} charset_status;

/* The charset parameter of a Content-Type value (NULL allowed), lower case and unquoted, into
 * out (n bytes). Returns 1 when there is one, 0 otherwise (out = ""). */
int charset_param(const char *content_type, char *out, size_t n);

/* The offset of the first byte of s[0..len) that does not begin a well-formed UTF-8 sequence
 * (no overlongs, surrogates or code points past U+10FFFF), or len when all are. */
size_t charset_utf8_invalid_at(const unsigned char *s, size_t len);

/* Converts in[0..len) from charset (NULL or "": detect, as above) to UTF-8. The charsets read:
 * utf-8, windows-1252 (cp1252), iso-8859-1 (latin1), iso-8859-15 (latin9), us-ascii.
 * On CHARSET_OK, *out is a new NUL-terminated buffer (malloc; the caller frees it) of *out_len
 * bytes, and *used names the charset read (static). On CHARSET_INVALID, *bad is the offset in
 * `in` of the first byte that is not text. */
charset_status charset_to_utf8(const char *in, size_t len, const char *charset, char **out, size_t *out_len,
                               size_t *bad, const char **used);

/* Where offset falls in a ';'-separated text with a header line: its 1-based line, and the name
 * of its column (the header cell above it, "" when none) into field (n bytes). */
void charset_locate(const char *text, size_t len, size_t offset, int *line, char *field, size_t n);

#endif

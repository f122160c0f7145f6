/* text.h — small UTF-8 and encoding helpers for text that crosses the API. */
#ifndef CICLO_TEXT_H
#define CICLO_TEXT_H
#include <stddef.h>
#include <stdint.h>

/* Number of code points in the valid UTF-8 string s. */
size_t utf8_length(const char *s);
/* Cuts a trailing incomplete UTF-8 sequence left by truncation (in place). */
void utf8_trim_partial(char *s);
/* Encodes n bytes as unpadded base64url into out (at least 4*n/3+4 bytes). */
void base64url_encode(const unsigned char *in, size_t n, char *out);
/* Decodes unpadded base64url; returns the byte count or -1 on bad input or overflow of cap. */
int base64url_decode(const char *in, unsigned char *out, size_t cap);
/* Encodes a list cursor (an opaque string for the last key seen) into out[32]. */
void cursor_encode(int64_t last_id, char out[32]);
/* Decodes a cursor made by cursor_encode; returns 0 or -1 if it is not one. */
int cursor_decode(const char *s, int64_t *last_id);

#endif

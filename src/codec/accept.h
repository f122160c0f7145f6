/*
 * accept.h — content negotiation (RFC 9110 §12.5): the quality an Accept header gives a media
 * type, and the language an Accept-Language header picks among those the server speaks.
 * Pure: no allocation, no I/O; a header longer than ACCEPT_MAX_HEADER is read up to there.
 */
#ifndef CICLO_ACCEPT_H
#define CICLO_ACCEPT_H

#define ACCEPT_MAX_HEADER 4096

/* The quality (0..1000) that the Accept header gives the media type `media` ("application/json";
 * parameters of media are ignored): the q of the most specific range that matches it (type/subtype,
 * then type/any, then any/any), 1000 without q=; 0 when no range matches or the header is
 * malformed beyond reading. A NULL or empty header accepts everything (1000). */
int accept_media_quality(const char *header, const char *media);

/* The language of `supported` (NULL-terminated, lower case primary tags such as "en", "it"; the
 * first is the default) that the Accept-Language header prefers: the highest q > 0 among the
 * ranges that name one (a range "it-IT" names "it", as does "it"; "*" names the default),
 * the earlier range on a tie. Returns the index into supported; 0 (the default) when the header
 * is NULL, empty or names none of them. */
int accept_language_pick(const char *header, const char *const *supported);

#endif

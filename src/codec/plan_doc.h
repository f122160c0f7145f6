/*
 * plan_doc.h — the plan document ("ciclo-plan/1") as text: its export form, the stored
 * document (store/plan_doc.h) without the rows' ids and without null members. Pure: no I/O,
 * no database; the text is copied in one pass, every value as written (numbers keep their
 * digits).
 */
#ifndef CICLO_CODEC_PLAN_DOC_H
#define CICLO_CODEC_PLAN_DOC_H
#include <stddef.h>

#include "core/buf.h"

/* Appends to out the JSON text in[0..n) without object members named "id" and members whose
 * value is null, with the white space between tokens left out. The text is trusted to be JSON
 * (PostgreSQL's): scalars are copied unread. Returns 0, or -1 when its structure is broken
 * (brackets, strings, commas, colons), it nests more than 64 deep, text follows the value,
 * or out fails (out then holds a part). */
int plan_doc_strip(const char *in, size_t n, buf *out);

#endif

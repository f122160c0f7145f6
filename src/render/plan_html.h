/*
 * plan_html.h — the Piano as printable HTML: one objective sheet (scheda obiettivo) per page,
 * laid out as the plans of the seeds print them (seed 003, Caluso): the objective with its
 * level, weight and revision mark, its assignees and weights, its description, the phases, the
 * indicators with ATTESO / RAGGIUNTO / Scostamento, the monthly cronoprogramma of the plan's
 * year (planned, completed and late months), and the verification as of the date. The plan's
 * text comes from the plan document, every figure from the JSON report (rows, cascade
 * objectives and their phases); a result the report does not show to the caller (an objective
 * carried only by people the token may not see) is not shown either. Also the charts of one
 * objective and one indicator. Pure.
 */
#ifndef CICLO_RENDER_PLAN_HTML_H
#define CICLO_RENDER_PLAN_HTML_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Appends the page. doc: the plan document (store/plan_doc.h), report: the JSON report of
 * the same plan as api/report.h dresses it (report_document: its "plan" heading names the
 * entity and the deliberation); both borrowed. Returns 0, or -1 when b failed. */
int plan_html(buf *b, const json_t *doc, const json_t *report);

/* LOWER bounds of the bytes plan_html writes for each objective, phase and indicator of the
 * document, whatever their texts and figures: only the literal markup it writes for every one
 * of them (an objective's sheet frame, heading, table of assignees' header and footer, the
 * "OBIETTIVO" line and the headings of phases, indicators and verification: 492 bytes; a
 * phase's row in the phases table and in the cronoprogramma, whose 12 cells are at least
 * "<td></td>": 245; an indicator's row: 87), rounded down. Never raise one above what
 * plan_html certainly writes: a plan whose page fits would be refused
 * (tests/unit/test_render.c holds them to it). */
#define PLAN_HTML_MIN_OBJECTIVE 480
#define PLAN_HTML_MIN_PHASE 240
#define PLAN_HTML_MIN_INDICATOR 80

/* A lower bound of the length of plan_html's page of a document with these counts (its
 * objectives, and the phases and indicators of all of them): the page is never shorter.
 * Saturates at SIZE_MAX; a negative count counts as 0. Pure. */
size_t plan_html_min_size(int64_t objectives, int64_t phases, int64_t indicators);

/* The Gantt of one objective's phases from its score answer (GET /v1/objectives/{id}/score:
 * phases, as_of) over the plan's year. Returns 0 or -1. */
int plan_chart_gantt(buf *b, const json_t *score, int year, const char *id);

/* An indicator's measurements (the list answer of GET /v1/indicators/{id}/measurements:
 * items with as_of and value; corrected ones left out) over the plan's year against its
 * target (indicator: its resource JSON, may be NULL). Returns 0 or -1. */
int plan_chart_measurements(buf *b, const json_t *indicator, const json_t *list, int year, const char *id);

#endif

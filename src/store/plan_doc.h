/*
 * plan_doc.h — the plan document ("ciclo-plan/1"): a whole plan as one JSON value, built
 * by one SQL statement from the live tables (the working copy), and the immutable
 * snapshots of it stored at each adoption (plan_revisions.document).
 *
 * Shape: {"format":"ciclo-plan/1","entity":{code,name,kind,fiscal_code},"year","kind",
 * "title","deliberation":{number,date,body}|null,"structures":[{code,name,kind,
 * parent_code,manager,interim}],"people":[{external_id,name,role,category}],
 * "objectives":[{id,code,title,description,level,parent_code,scope,routine,dup_ref,
 * mission,programme,public_value_dimension,expected_result,financial_resources,
 * start_year,end_year,payment_timeliness,notes,revision_mark,"assignments":[{structure_code|
 * person_external_id,weight,scope,slot}],"phases":[{id,seq,description,owners,start,deadline,
 * weight,cumulative}],"indicators":[{id,code,name,group,unit,value_type,baseline,
 * target,direction,rule,weight,source}]}]}. Lists are ordered (structures, objectives
 * and indicators by code in "C" collation, people by external_id, phases by seq,
 * assignments by assignee code), so equal plans give equal documents. "manager" is the
 * manager's external_id. Rows removed from the plan (removed_in_revision) are left out.
 * The ids are the rows' ids, for attaching measurements and progress to a revision.
 * "revision_mark" is the change ("inserted", "modified") that the document of the
 * revision being made (pl.revision + 1: the open draft, or the one being adopted)
 * declares for the objective, else null: an adopted revision's snapshot keeps the marks
 * its deliberation declared, and a later revision does not repeat them.
 */
#ifndef CICLO_STORE_PLAN_DOC_H
#define CICLO_STORE_PLAN_DOC_H
#include <stdint.h>

#include "core/problem.h"
#include "store/pool.h"

/* Registers the statements of this module; called by store_lifecycle_register. */
int store_plan_doc_register(void);

/* The SQL expression (type json) of the document of plans row alias `pl`, with the
 * deliberation taken from a row alias `dl` with columns number, date, body (all NULL:
 * "deliberation": null). Static string, for statements that embed the document. */
const char *store_plan_doc_sql(void);

/* The working copy of plan_id (in scope) as a document; its deliberation is the current
 * revision's, or null for a draft or while a revision is open. Returns 1 with *doc
 * (malloc'd, the caller frees it), 0 when there is no such plan in scope, -1 (p set). */
int store_plan_document(store_conn *c, const char *scope, int64_t plan_id, char **doc, problem *p);

/* Revision n (>= 1) of plan_id as it was adopted. Returns 1 with *doc (malloc'd), 0 when
 * the plan (in scope) has no revision n, -1 on error (p set). Thread-safe per connection. */
int store_plan_revision_document(store_conn *c, const char *scope, int64_t plan_id, int n, char **doc, problem *p);

/* How many objectives, phases and indicators the document of plan_id holds (revision 0: the
 * working copy, as store_plan_document builds it; n >= 1: the snapshot of revision n), read
 * without building or copying the document: what a caller bounds its size from. Returns 1
 * with *out set, 0 when there is no such plan or revision in scope, -1 on error (p set). */
typedef struct plan_doc_counts {
    int64_t objectives, phases, indicators;
} plan_doc_counts;
int store_plan_document_counts(store_conn *c, const char *scope, int64_t plan_id, int revision, plan_doc_counts *out,
                               problem *p);

#endif

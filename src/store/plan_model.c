/* plan_model.c — a plan's rows decoded into the plan model (see plan_model.h). */
#include "store/plan_model.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/method_json.h"
#include "codec/rule_form.h"
#include "codec/rule_json.h"
#include "core/buf.h"
#include "core/log.h"
#include "store/plan_rows.h"
#include "store/stmt.h"

static rules_decimal dec_at(const PGresult *r, int row, int col, int *present)
{
    rules_decimal d = {0};
    const char *t = row_text(r, row, col);
    *present = t != NULL;
    if (t && rules_decimal_parse_plain(t, 4, &d, NULL) < 0)
        *present = 0;
    return d;
}

static int date_at(const PGresult *r, int row, int col, rules_date *d)
{
    const char *t = row_text(r, row, col);
    return t && rules_date_parse_iso(t, d, NULL) == 0;
}

static const char *str_at(plan_model *m, const PGresult *r, int row, int col)
{
    const char *t = row_text(r, row, col);
    return t ? arena_strdup(&m->mem, t) : NULL;
}

const rules_rule *plan_model_keep_rule(arena *mem, const rules_rule *tmp, size_t used)
{
    return rule_json_keep(mem, tmp, used);
}

static const rules_value *keep_value(plan_model *m, const rules_value *tmp, size_t used)
{
    rules_value *copy = arena_array(&m->mem, used, sizeof *copy);
    if (!copy)
        return NULL;
    memcpy(copy, tmp, used * sizeof *copy);
    for (size_t k = 0; k < used; k++)
        if (copy[k].parts)
            copy[k].parts = copy + (copy[k].parts - tmp);
    return copy;
}

/* Decoding memo for one build (performance, issue 8). Decoding a rule or a value is a pure
 * function of its JSON text (and, for a value, of the decoded rule), so indicators that
 * share the same rule text share one decoded rule, and measurements with the same text
 * under the same decoded rule share one decoded value (the library only reads them). On a
 * plan where every text differs the memo costs one hash and one probe per row; where texts
 * repeat (standard band schemes, the same target) it saves json_loads + decode, which were
 * two thirds of the server's instructions for a 20,000-indicator plan. Slots live in the
 * model's arena; their text points into the rows (borrowed: the memo lives only while
 * build_indicators runs). */
typedef struct memo_slot {
    const char *text;    /* the JSON text (borrowed from the rows), NULL: empty slot */
    const void *owner;   /* values: the decoded rule they were decoded under */
    const void *decoded; /* rules_rule * or rules_value *, NULL when it failed */
    const char *error;   /* why it failed (arena), NULL when it did not */
} memo_slot;

typedef struct memo {
    memo_slot *slot;
    size_t cap; /* a power of two, at least twice the entries */
} memo;

static int memo_init(memo *t, arena *a, size_t n)
{
    t->cap = 16;
    while (t->cap < n * 2)
        t->cap <<= 1;
    t->slot = arena_array(a, t->cap, sizeof *t->slot);
    return t->slot ? 0 : -1;
}

/* A multiplicative hash over 8 bytes at a time (the texts are ~100 bytes of JSON). */
static uint64_t memo_hash(const char *s, size_t len, const void *owner)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)owner ^ len;
    for (; len >= 8; s += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

/* The slot for (text, owner): a filled one when seen before, else the empty one to fill. */
static memo_slot *memo_find(memo *t, const char *text, size_t len, const void *owner)
{
    size_t i = (size_t)memo_hash(text, len, owner) & (t->cap - 1);
    while (t->slot[i].text && (t->slot[i].owner != owner || strcmp(t->slot[i].text, text) != 0))
        i = (i + 1) & (t->cap - 1);
    return &t->slot[i];
}

static void normalise_tag(const char *in, char *out, size_t n)
{
    size_t o = 0;
    for (; *in && o + 1 < n; in++)
        if (*in != '.' && *in != ' ')
            out[o++] = (char)toupper((unsigned char)*in);
    out[o] = '\0';
}

/* Whether an owner tag ("FIN.", "LL.PP.") names this structure: its code, or the start of its name. */
static int tag_names(const char *tag, const pm_assignee *a)
{
    char t[64], c[64], nm[64];
    normalise_tag(tag, t, sizeof t);
    normalise_tag(a->code ? a->code : "", c, sizeof c);
    normalise_tag(a->name ? a->name : "", nm, sizeof nm);
    return t[0] && (strcmp(t, c) == 0 || strncmp(nm, t, strlen(t)) == 0);
}

static int is_everyone(const char *tag)
{
    char t[64];
    normalise_tag(tag, t, sizeof t);
    return strcmp(t, "TUTTI") == 0 || strcmp(t, "TUTTE") == 0 || strcmp(t, "ALL") == 0 ||
           strncmp(t, "TUTTIISETTORI", 13) == 0;
}

typedef struct builder {
    plan_model *m;
    const plan_rows *rows;
    buf *forms; /* the forms to store: a JSON array of [digest hex, form], NULL: none */
    int n_forms;
    idmap structure_row; /* structure id → row of rows->structures */
    idmap person_row;    /* person id → row of rows->people */
    idmap structure_as;  /* structure id → assignee index */
    idmap person_as;     /* person id → PERSON assignee index */
    idmap manager_as;    /* person id → MANAGER assignee index */
    int cap_as;
    int *asg_start, *asg_list; /* per objective: its real assignees (CSR) */
} builder;

static int add_assignee(builder *b, pm_assignee_kind kind, int64_t id)
{
    plan_model *m = b->m;
    int i = m->plan.n_assignees++;
    pm_assignee *a = &m->assignee[i];
    a->kind = kind;
    a->id = id;
    a->manager = -1;
    if (kind == PM_STRUCTURE) {
        int row = idmap_get(&b->structure_row, id);
        if (row >= 0) {
            a->code = str_at(m, b->rows->structures, row, 1);
            a->name = str_at(m, b->rows->structures, row, 2);
            a->manager_id = row_i64(b->rows->structures, row, 3);
            a->interim = row_bool(b->rows->structures, row, 4);
        }
        idmap_put(&b->structure_as, id, i);
    } else if (kind == PM_PERSON || kind == PM_MANAGER) {
        int row = idmap_get(&b->person_row, id);
        if (row >= 0) {
            a->code = str_at(m, b->rows->people, row, 1);
            a->name = str_at(m, b->rows->people, row, 2);
        }
        idmap_put(kind == PM_PERSON ? &b->person_as : &b->manager_as, id, i);
    } else {
        a->name = "entity";
    }
    return i;
}

static int manager_of(builder *b, int64_t person_id)
{
    int i = idmap_get(&b->manager_as, person_id);
    return i >= 0 ? i : add_assignee(b, PM_MANAGER, person_id);
}

static int build_assignees(builder *b, problem *p)
{
    plan_model *m = b->m;
    const PGresult *ar = b->rows->assignments;
    int n = row_count(ar);
    m->plan.assignments = arena_array(&m->mem, (size_t)n * 3 + 1, sizeof(rules_assignment));
    rules_assignment *asg = (rules_assignment *)m->plan.assignments;
    int *row_assignee = arena_array(&m->mem, (size_t)n + 1, sizeof(int));
    m->assignment_weighted = arena_array(&m->mem, (size_t)n * 3 + 1, 1); /* real, then synthetic */
    b->asg_start = arena_array(&m->mem, (size_t)m->plan.n_objectives + 1, sizeof(int));
    b->asg_list = arena_array(&m->mem, (size_t)n + 1, sizeof(int));
    if (!asg || !row_assignee || !b->asg_start || !b->asg_list || !m->assignment_weighted)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    /* Real assignees and their assignments first: the plan as the checker sees it. */
    int na = 0;
    for (int r = 0; r < n; r++) {
        int obj = plan_model_objective(m, row_i64(ar, r, 0));
        row_assignee[r] = -1;
        if (obj < 0)
            continue;
        int64_t sid = row_i64(ar, r, 1), pid = row_i64(ar, r, 2);
        int a = sid ? idmap_get(&b->structure_as, sid) : idmap_get(&b->person_as, pid);
        if (a < 0)
            a = add_assignee(b, sid ? PM_STRUCTURE : PM_PERSON, sid ? sid : pid);
        int present;
        rules_decimal w = dec_at(ar, r, 3, &present);
        m->assignment_weighted[na] = (unsigned char)present;
        asg[na++] = (rules_assignment){obj, a, w};
        row_assignee[r] = a;
        b->asg_start[obj + 1]++;
    }
    m->n_real_assignees = m->plan.n_assignees;
    for (int a = 0; a < m->n_real_assignees; a++) {
        pm_assignee *as = &m->assignee[a];
        m->assignee[a].manager = -1;
        int64_t manager = as->kind == PM_STRUCTURE ? as->manager_id : as->id;
        if (manager > 0)
            m->assignee[a].manager = manager_of(b, manager);
    }
    m->check_plan = m->plan;
    m->check_plan.n_assignments = na;
    /* Synthetic assignees: each manager, and the entity over every structure. */
    m->entity_assignee = -1;
    int k = 0;
    int total = na;
    for (int r = 0; r < n; r++) {
        int a = row_assignee[r];
        if (a < 0)
            continue;
        unsigned char weighted = m->assignment_weighted[k];
        rules_assignment real = asg[k++];
        if (m->assignee[a].manager >= 0) {
            m->assignment_weighted[total] = weighted;
            asg[total++] = (rules_assignment){real.objective, m->assignee[a].manager, real.weight};
        }
        if (m->assignee[a].kind == PM_STRUCTURE) {
            if (m->entity_assignee < 0)
                m->entity_assignee = add_assignee(b, PM_ENTITY, 0);
            m->assignment_weighted[total] = weighted;
            asg[total++] = (rules_assignment){real.objective, m->entity_assignee, real.weight};
        }
    }
    m->plan.n_assignments = total;
    /* Per objective, its real assignees (for owner tags). */
    for (int o = 0; o < m->plan.n_objectives; o++)
        b->asg_start[o + 1] += b->asg_start[o];
    int *fill = arena_array(&m->mem, (size_t)m->plan.n_objectives + 1, sizeof(int));
    if (!fill)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    for (int i = 0; i < na; i++) {
        int o = asg[i].objective;
        b->asg_list[b->asg_start[o] + fill[o]++] = asg[i].assignee;
    }
    return 0;
}

static int build_phases(builder *b, problem *p)
{
    plan_model *m = b->m;
    const PGresult *pr = b->rows->phases;
    int n = row_count(pr);
    rules_phase *ph = arena_array(&m->mem, (size_t)n + 1, sizeof *ph);
    m->phase_id = arena_array(&m->mem, (size_t)n + 1, sizeof *m->phase_id);
    m->phase_deadline = arena_array(&m->mem, (size_t)n + 1, sizeof *m->phase_deadline);
    idmap phase_index;
    if (!ph || !m->phase_id || !m->phase_deadline || idmap_init(&phase_index, &m->mem, (size_t)n) < 0)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    int k = 0;
    for (int r = 0; r < n; r++) {
        int obj = plan_model_objective(m, row_i64(pr, r, 1));
        if (obj < 0)
            continue;
        rules_phase *x = &ph[k];
        x->objective = obj;
        x->weight = dec_at(pr, r, 2, &x->has_weight);
        x->cumulative = dec_at(pr, r, 3, &x->has_cumulative);
        x->has_deadline = date_at(pr, r, 4, &x->deadline);
        m->phase_deadline[k] = str_at(m, pr, r, 4);
        const char *owners = row_text(pr, r, 5);
        if (owners && *owners) {
            int everyone = 0, cap = b->asg_start[obj + 1] - b->asg_start[obj];
            int *list = arena_array(&m->mem, (size_t)cap * 3 + 1, sizeof(int));
            int cnt = 0;
            char tag[128];
            for (const char *s = owners; *s && list;) {
                const char *e = strchr(s, '\x1f');
                size_t len = e ? (size_t)(e - s) : strlen(s);
                snprintf(tag, sizeof tag, "%.*s", (int)(len < sizeof tag ? len : sizeof tag - 1), s);
                if (is_everyone(tag))
                    everyone = 1;
                for (int i = b->asg_start[obj]; i < b->asg_start[obj + 1]; i++) {
                    const pm_assignee *a = &m->assignee[b->asg_list[i]];
                    if (a->kind != PM_STRUCTURE || !tag_names(tag, a))
                        continue;
                    list[cnt++] = b->asg_list[i];
                    if (a->manager >= 0)
                        list[cnt++] = a->manager;
                    if (m->entity_assignee >= 0)
                        list[cnt++] = m->entity_assignee;
                }
                s = e ? e + 1 : s + len;
            }
            if (!everyone && cnt > 0) {
                x->owners = list;
                x->n_owners = cnt;
            }
        }
        m->phase_id[k] = row_i64(pr, r, 0);
        idmap_put(&phase_index, m->phase_id[k], k);
        k++;
    }
    const PGresult *gr = b->rows->progress;
    for (int r = 0; r < row_count(gr); r++) {
        int i = idmap_get(&phase_index, row_i64(gr, r, 0));
        if (i < 0)
            continue;
        int present;
        ph[i].percent_complete = dec_at(gr, r, 1, &present);
        ph[i].completed = date_at(gr, r, 2, &ph[i].completed_on);
    }
    m->plan.phases = ph;
    m->plan.n_phases = k;
    return 0;
}

/* Target, baseline and direction of an indicator (columns 7..9): what scores it without a rule. */
static void read_target(plan_model *m, const PGresult *ir, int r, rules_indicator *x, pm_indicator_info *info)
{
    info->target_json = str_at(m, ir, r, 7);
    info->baseline_json = str_at(m, ir, r, 8);
    info->direction = str_at(m, ir, r, 9);
    method_indicator_target_text(x, info->target_json, info->value_type, info->direction, m->year);
    rules_expected e;
    if (method_target_text(info->baseline_json, info->value_type, m->year, &e) == 1) {
        x->has_baseline = 1;
        x->baseline = e;
    }
}

/* A measured value of an indicator without a rule: a number, yes/no or a date. */
static void read_plain_value(plan_model *m, const char *text, rules_indicator *x, pm_indicator_info *info)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    rules_value v;
    rules_error e;
    memset(&e, 0, sizeof e);
    if (j && method_value(j, &v, &e) == 0) {
        rules_value *keep = arena_array(&m->mem, 1, sizeof *keep);
        if (keep) {
            *keep = v;
            x->value = keep;
            x->state = RULES_MEASURED;
        }
    } else {
        info->value_error = arena_strdup(&m->mem, e.message[0] ? e.message : "the value is not valid JSON");
    }
    json_decref(j);
}

/* What build_indicators returns when a stored rule form does not read back. */
#define FORM_UNREADABLE (-2)
/* At most this many forms are stored per read (the next read stores more). */
#define FORMS_PER_READ 20000

/* Queues the compact form of rule (decoded from the JSON text of indicator id, whose SHA-256 is
 * digest, hex; NULL when the rows come from a revision's document: nothing to write back). */
static void keep_form(builder *b, int64_t id, const char *digest, const rules_rule *rule)
{
    if (!b->forms || !digest || b->n_forms >= FORMS_PER_READ)
        return;
    buf f;
    buf_init(&f, 0);
    if (rule_form_encode(rule, &f) == 0) {
        buf_printf(b->forms, "%s{\"i\":%" PRId64 ",\"d\":\"", b->n_forms++ ? "," : "[", id);
        buf_json_escape(b->forms, digest);
        buf_puts(b->forms, "\",\"f\":\"");
        buf_json_escape(b->forms, f.data);
        buf_puts(b->forms, "\"}");
    }
    buf_free(&f);
}

static int build_indicators(builder *b, problem *p)
{
    plan_model *m = b->m;
    const PGresult *ir = b->rows->indicators;
    int n = row_count(ir);
    rules_indicator *ind = arena_array(&m->mem, (size_t)n + 1, sizeof *ind);
    m->indicator_id = arena_array(&m->mem, (size_t)n + 1, sizeof *m->indicator_id);
    m->indicator = arena_array(&m->mem, (size_t)n + 1, sizeof *m->indicator);
    idmap index;
    if (!ind || !m->indicator_id || !m->indicator || idmap_init(&index, &m->mem, (size_t)n) < 0)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    static _Thread_local rules_rule tmp[RULE_JSON_MAX_NODES];
    memo rules_seen, values_seen;
    int rule_hits = 0; /* indicators whose rule text an earlier one had */
    if (memo_init(&rules_seen, &m->mem, (size_t)n) < 0)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    int k = 0;
    for (int r = 0; r < n; r++) {
        int obj = plan_model_objective(m, row_i64(ir, r, 1));
        if (obj < 0)
            continue;
        rules_indicator *x = &ind[k];
        pm_indicator_info *info = &m->indicator[k];
        x->objective = obj;
        x->code = str_at(m, ir, r, 2);
        int present;
        x->weight = dec_at(ir, r, 3, &present);
        info->name = str_at(m, ir, r, 5);
        info->value_type = str_at(m, ir, r, 6);
        read_target(m, ir, r, x, info);
        /* the rule's compact form when it has one, else its JSON text (a form starts with "r",
         * JSON with "{": one memo serves both) */
        int col = row_null(ir, r, 10) ? 4 : 10;
        const char *text = row_text(ir, r, col);
        if (text) {
            memo_slot *seen = memo_find(&rules_seen, text, (size_t)PQgetlength(ir, r, col), NULL);
            if (!seen->text) {
                size_t used = 0;
                if (col == 10) {
                    if (rule_form_decode(text, (size_t)PQgetlength(ir, r, col), tmp, RULE_JSON_MAX_NODES, &used) < 0)
                        return FORM_UNREADABLE;
                    seen->decoded = plan_model_keep_rule(&m->mem, tmp, used);
                } else {
                    json_t *j = json_loads(text, 0, NULL);
                    rules_error e;
                    memset(&e, 0, sizeof e);
                    if (j && rule_json_decode(j, "rule", tmp, RULE_JSON_MAX_NODES, &used, &e) == 0) {
                        seen->decoded = plan_model_keep_rule(&m->mem, tmp, used);
                    } else {
                        seen->error = arena_strdup(&m->mem, e.message[0] ? e.message : "the rule is not valid JSON");
                    }
                    json_decref(j);
                }
                seen->text = text;
            } else {
                rule_hits++;
            }
            x->rule = seen->decoded;
            info->rule_error = seen->error;
            if (col == 4 && x->rule)
                keep_form(b, row_i64(ir, r, 0), row_text(ir, r, 11), x->rule);
        }
        m->indicator_id[k] = row_i64(ir, r, 0);
        idmap_put(&index, m->indicator_id[k], k);
        k++;
    }
    const PGresult *mr = b->rows->measurements;
    rules_value vals[RULE_JSON_MAX_VALUES];
    /* Values share only under a shared rule: with every rule text distinct, no memo. */
    if (rule_hits > 0 && memo_init(&values_seen, &m->mem, (size_t)row_count(mr)) < 0)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    for (int r = 0; r < row_count(mr); r++) {
        int i = idmap_get(&index, row_i64(mr, r, 0));
        if (i < 0)
            continue;
        pm_indicator_info *info = &m->indicator[i];
        info->as_of = str_at(m, mr, r, 3);
        if (row_bool(mr, r, 2)) {
            ind[i].state = RULES_NOT_ASSESSABLE;
            continue;
        }
        info->value_json = str_at(m, mr, r, 1);
        const char *text = row_null(mr, r, 1) ? "" : row_text(mr, r, 1);
        if (!ind[i].rule) {
            if (!info->rule_error)
                read_plain_value(m, text, &ind[i], info);
            continue;
        }
        memo_slot once = {0};
        memo_slot *seen = rule_hits > 0 ? memo_find(&values_seen, text, (size_t)PQgetlength(mr, r, 1), ind[i].rule)
                                        : &once;
        if (!seen->text) {
            json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
            rules_error e;
            memset(&e, 0, sizeof e);
            size_t used = 0;
            if (j && rule_json_decode_value(j, ind[i].rule, "value", vals, RULE_JSON_MAX_VALUES, &used, &e) == 0)
                seen->decoded = keep_value(m, vals, used);
            else
                seen->error = arena_strdup(&m->mem, e.message[0] ? e.message : "the value is not valid JSON");
            json_decref(j);
            seen->text = text;
            seen->owner = ind[i].rule;
        }
        if (seen->error) {
            info->value_error = seen->error;
        } else {
            ind[i].value = seen->decoded;
            ind[i].state = ind[i].value ? RULES_MEASURED : RULES_NOT_MEASURED;
        }
    }
    const PGresult *jr = b->rows->judgements;
    for (int r = 0; jr && r < row_count(jr); r++) {
        int i = idmap_get(&index, row_i64(jr, r, 0));
        int present;
        rules_decimal score = dec_at(jr, r, 1, &present);
        if (i < 0 || !present)
            continue;
        ind[i].judged = 1;
        ind[i].judgement = score;
        m->indicator[i].judgement_reason = str_at(m, jr, r, 2);
        m->indicator[i].judgement_as_of = str_at(m, jr, r, 3);
    }
    m->plan.indicators = ind;
    m->plan.n_indicators = k;
    return 0;
}

int plan_model_objective(const plan_model *m, int64_t id) { return idmap_get(&m->objective_index, id); }

/* The plan's method (column 5): a method the server accepted always decodes; one that does not
 * (written around the API) is reported and the default applies. */
static void read_method(plan_model *m, const PGresult *pl)
{
    m->plan.method = &m->method;
    m->method = rules_method_default();
    const char *text = row_text(pl, 0, 5);
    if (!text)
        return;
    json_t *j = json_loads(text, 0, NULL);
    rules_error e;
    memset(&e, 0, sizeof e);
    if (!j || method_json_decode(j, &m->method, &e) < 0) {
        m->method = rules_method_default();
        m->method_error = arena_strdup(&m->mem, e.message[0] ? e.message : "the method is not valid JSON");
    }
    json_decref(j);
}

/* Builds the model from rows (borrowed; may be cleared afterwards). forms (may be NULL) receives
 * the forms to store of the rules decoded from JSON (see keep_form). Returns 0, FORM_UNREADABLE
 * when a stored form does not read back (p untouched), or -1 with p set (out of memory, a plan
 * too large). m is initialised by the caller. */
static int plan_model_build(plan_model *m, const plan_rows *rows, int64_t plan_id, buf *forms, problem *p)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.m = m;
    b.rows = rows;
    b.forms = forms;
    m->plan_id = plan_id;
    m->entity_id = row_i64(rows->plan, 0, 0);
    m->year = row_int(rows->plan, 0, 1);
    m->scored_revision = rows->revision;
    m->revision = rows->revision ? rows->revision : row_int(rows->plan, 0, 2);
    m->status = str_at(m, rows->plan, 0, 3);
    read_method(m, rows->plan);

    const PGresult *orow = rows->objectives;
    int n = row_count(orow);
    rules_objective *obj = arena_array(&m->mem, (size_t)n + 1, sizeof *obj);
    m->objective_id = arena_array(&m->mem, (size_t)n + 1, sizeof *m->objective_id);
    m->objective_title = arena_array(&m->mem, (size_t)n + 1, sizeof *m->objective_title);
    int ns = row_count(rows->structures), np = row_count(rows->people), na = row_count(rows->assignments);
    b.cap_as = na * 2 + 2;
    m->assignee = arena_array(&m->mem, (size_t)b.cap_as, sizeof *m->assignee);
    rules_assignee *ras = arena_array(&m->mem, (size_t)b.cap_as, sizeof *ras);
    if (!obj || !m->objective_id || !m->objective_title || !m->assignee || !ras ||
        idmap_init(&m->objective_index, &m->mem, (size_t)n) < 0 ||
        idmap_init(&b.structure_row, &m->mem, (size_t)ns) < 0 || idmap_init(&b.person_row, &m->mem, (size_t)np) < 0 ||
        idmap_init(&b.structure_as, &m->mem, (size_t)na) < 0 || idmap_init(&b.person_as, &m->mem, (size_t)na) < 0 ||
        idmap_init(&b.manager_as, &m->mem, (size_t)na + (size_t)ns) < 0)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    int ymin = m->year, ymax = m->year;
    for (int r = 0; r < n; r++) {
        m->objective_id[r] = row_i64(orow, r, 0);
        idmap_put(&m->objective_index, m->objective_id[r], r);
        obj[r].code = str_at(m, orow, r, 1);
        m->objective_title[r] = str_at(m, orow, r, 2);
        obj[r].payment_timeliness = row_bool(orow, r, 4);
        if (!row_null(orow, r, 5) && row_int(orow, r, 5) < ymin)
            ymin = row_int(orow, r, 5);
        if (!row_null(orow, r, 6) && row_int(orow, r, 6) > ymax)
            ymax = row_int(orow, r, 6);
    }
    for (int r = 0; r < n; r++)
        obj[r].parent = row_null(orow, r, 3) ? -1 : plan_model_objective(m, row_i64(orow, r, 3));
    for (int r = 0; rows->overrides && r < row_count(rows->overrides); r++) { /* approved overrides (issue 14) */
        int o = plan_model_objective(m, row_i64(rows->overrides, r, 0));
        int present;
        rules_decimal score = dec_at(rows->overrides, r, 1, &present);
        if (o >= 0 && present) {
            obj[o].has_override = 1;
            obj[o].override_score = score;
        }
    }
    m->plan.year_from = ymin;
    m->plan.year_to = ymax;
    m->plan.objectives = obj;
    m->plan.n_objectives = n;
    for (int r = 0; r < ns; r++)
        idmap_put(&b.structure_row, row_i64(rows->structures, r, 0), r);
    for (int r = 0; r < np; r++)
        idmap_put(&b.person_row, row_i64(rows->people, r, 0), r);
    m->plan.assignees = ras;
    if (build_assignees(&b, p) < 0 || build_phases(&b, p) < 0)
        return -1;
    int rc = build_indicators(&b, p);
    if (rc < 0)
        return rc;
    for (int a = 0; a < m->plan.n_assignees; a++) {
        ras[a].code = m->assignee[a].kind == PM_MANAGER || m->assignee[a].kind == PM_ENTITY ? NULL : m->assignee[a].code;
        /* DL 13/2023 art. 4-bis: the 30% payment-timeliness share applies from the 2023 plans. */
        ras[a].is_manager = m->year >= 2023 && (m->assignee[a].kind == PM_PERSON ||
                                                (m->assignee[a].kind == PM_STRUCTURE && m->assignee[a].manager_id > 0));
    }
    m->check_plan.assignees = ras;
    m->check_plan.n_assignees = m->n_real_assignees;
    m->check_plan.assignments = m->plan.assignments;
    m->check_plan.phases = m->plan.phases;
    m->check_plan.n_phases = m->plan.n_phases;
    m->check_plan.indicators = m->plan.indicators;
    m->check_plan.n_indicators = m->plan.n_indicators;
    m->check_plan.objectives = obj;
    m->check_plan.n_objectives = n;
    m->check_plan.year_from = ymin;
    m->check_plan.year_to = ymax;
    m->check_plan.method = m->plan.method;
    if (m->mem.failed)
        return problem_set(p, 503, "out_of_memory", "the plan is too large to score now");
    return 0;
}

void plan_model_free(plan_model *m) { arena_free(&m->mem); }

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int store_plan_model_load(store_conn *c, const char *scope, int64_t plan_id, const char *as_of, int revision,
                          plan_model *m, problem *p)
{
    double sql_ms = 0;
    /* First with the rules' stored forms; again without them if one does not read back. */
    for (int forms = 1;; forms = 0) {
        memset(m, 0, sizeof *m);
        arena_init(&m->mem);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        plan_rows rows;
        int found = store_plan_rows(c, scope, plan_id, as_of, revision, forms, &rows, p);
        sql_ms += ms_since(&t0);
        m->sql_ms = sql_ms;
        if (found <= 0)
            return found;
        buf pending;
        buf_init(&pending, 0);
        int built = plan_model_build(m, &rows, plan_id, &pending, p);
        store_plan_rows_clear(&rows);
        if (built == FORM_UNREADABLE && forms) {
            log_warn("plan %" PRId64
                     ": a stored rule form does not read back; the rules are read as JSON and their "
                     "forms written again",
                     plan_id);
            buf_free(&pending);
            plan_model_free(m);
            continue;
        }
        if (built == 0 && pending.len > 0 && buf_putc(&pending, ']') == 0 && !pending.failed) {
            clock_gettime(CLOCK_MONOTONIC, &t0);
            store_plan_rows_keep_forms(c, m->entity_id, pending.data);
            m->sql_ms = sql_ms + ms_since(&t0);
        }
        buf_free(&pending);
        return built < 0 ? -1 : 1;
    }
}

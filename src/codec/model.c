/* model.c — the plan model's resources (see model.h and sql/001_init.sql). */
#include "codec/model.h"

#include <stddef.h>
#include <string.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* one row per field kind (kept on one line each) */
/* clang-format off */
#define TEXT(n, flags, len) {n, NULL, FT_TEXT, flags, len, 0, 0, 0, NULL, NULL, NULL}
#define INT(n, flags, lo, hi) {n, NULL, FT_INT, flags, 0, lo, hi, 0, NULL, NULL, NULL}
#define DEC(n, flags, lo, hi) {n, NULL, FT_DEC, flags, 0, lo, hi, 2, NULL, NULL, NULL}
#define BOOL(n, flags, def) {n, NULL, FT_BOOL, (flags) | F_NOT_NULL, 0, 0, 0, 0, NULL, def, NULL}
#define DATE(n, flags) {n, NULL, FT_DATE, flags, 0, 0, 0, 0, NULL, NULL, NULL}
#define ENUM(n, col, flags, vals, def) {n, col, FT_ENUM, (flags) | F_NOT_NULL, 0, 0, 0, 0, vals, def, NULL}
#define REF(n, flags) {n, NULL, FT_REF, flags, 0, 1, INT64_MAX, 0, NULL, NULL, NULL}
#define JSONV(n, flags, kinds) {n, NULL, FT_JSON, flags, 0, 0, 0, 0, NULL, NULL, kinds}
#define TEXTS(n, flags, items) {n, NULL, FT_TEXTS, (flags) | F_NOT_NULL, items, 0, 0, 0, NULL, "'{}'", NULL}
/* a list of texts longer than TEXTS' 64 characters an item: at most len characters each */
#define LONG_TEXTS(n, flags, items, len) {n, NULL, FT_TEXTS, (flags) | F_NOT_NULL, items, 0, len, 0, NULL, "'{}'", NULL}
/* an enumeration that may be null (no default) */
#define OPT_ENUM(n, flags, vals) {n, NULL, FT_ENUM, flags, 0, 0, 0, 0, vals, NULL, NULL}
/* clang-format on */

static const char *const entity_kinds[] = {"comune", "provincia", "citta_metropolitana", "unione", "other", NULL};
static const char *const plan_kinds[] = {"performance", "peg", "piao", NULL};
static const char *const plan_statuses[] = {"draft", "adopted", "closed", "validated", NULL};
static const char *const levels[] = {"strategic", "operational", "management", NULL};
static const char *const scopes[] = {"entity", "structure", "individual", NULL};
static const char *const groups[] = {"quantity", "time", "cost", "quality", NULL};
static const char *const value_types[] = {"number", "percent", "money", "date", "boolean", NULL};
static const char *const directions[] = {"higher_is_better", "lower_is_better", "target", NULL};
static const char *const sections[] = {"valore_pubblico", "performance", "anticorruzione", "organizzazione", NULL};
static const char *const risk_levels[] = {"basso", "medio", "alto", "critico", NULL};

static const field_spec entity_fields[] = {
    TEXT("code", F_REQUIRED | F_FILTER | F_CODE, 32),
    TEXT("name", F_REQUIRED, 300),
    ENUM("kind", NULL, F_FILTER, entity_kinds, "'comune'"),
    TEXT("fiscal_code", 0, 16),
    BOOL("transparency_public", 0, "false"), /* art. 20 figures without a token (sql/019_calendar.sql) */
    INT("staff_count", 0, 0, 1000000),       /* under 50: the simplified PIAO (sql/018_piao.sql) */
};

static const field_spec person_fields[] = {
    TEXT("name", F_REQUIRED, 200),
    TEXT("external_id", F_FILTER, 64),
    TEXT("role", F_FILTER, 64),
    TEXT("category", 0, 32),
};

static const field_spec structure_fields[] = {
    TEXT("code", F_REQUIRED | F_FILTER, 32),
    TEXT("name", F_REQUIRED, 300),
    {"kind", NULL, FT_TEXT, F_NOT_NULL | F_FILTER, 32, 0, 0, 0, NULL, "'other'", NULL},
    REF("parent_id", F_FILTER),
    REF("manager_id", F_FILTER),
    BOOL("interim", 0, "false"),
};

static const field_spec plan_fields[] = {
    REF("entity_id", F_REQUIRED | F_CREATE_ONLY | F_FILTER),
    INT("year", F_REQUIRED | F_FILTER, 2000, 2100),
    ENUM("kind", NULL, F_FILTER, plan_kinds, "'performance'"),
    TEXT("title", F_REQUIRED, 300),
    ENUM("status", NULL, F_SERVER | F_FILTER, plan_statuses, "'draft'"),
    INT("revision", F_SERVER | F_NOT_NULL, 0, 100000),
    BOOL("editing", F_SERVER, "false"), /* a revision is open (sql/002_revisions.sql) */
    JSONV("method", 0, "o"),            /* the plan's method, NULL: the default (sql/008_method.sql) */
    DATE("budget_approved_on", 0),      /* defers the Piano by 30 days (sql/019_calendar.sql) */
    JSONV("organisation", 0, "o"),      /* the PIAO's section 3 figures (sql/018_piao.sql) */
};

static const field_spec objective_fields[] = {
    TEXT("code", F_REQUIRED | F_FILTER, 32),
    TEXT("title", F_REQUIRED | F_MAY_BE_EMPTY, 1000), /* "" where the source names no title */
    TEXT("description", 0, 20000),
    ENUM("level", NULL, F_FILTER, levels, "'management'"),
    REF("parent_id", F_FILTER),
    ENUM("scope", NULL, F_FILTER, scopes, "'structure'"),
    BOOL("routine", 0, "false"),
    TEXT("dup_ref", 0, 64),
    TEXT("mission", 0, 100),
    TEXT("programme", 0, 100),
    TEXT("public_value_dimension", 0, 200),
    TEXT("expected_result", 0, 5000),
    DEC("financial_resources", 0, 0, 9999999999999LL),
    INT("start_year", 0, 2000, 2100),
    INT("end_year", 0, 2000, 2100),
    BOOL("payment_timeliness", 0, "false"),
    LONG_TEXTS("notes", 0, 50, 2000), /* sql/010_assignment_slot.sql */
    /* the PIAO (sql/018_piao.sql) */
    OPT_ENUM("section", F_FILTER, sections),
    TEXT("driver", 0, 500),
    TEXTS("sdg", 0, 17),
    TEXTS("bes", 0, 12),
    TEXT("risk_process", 0, 500),
    TEXT("risk", 0, 2000),
    OPT_ENUM("risk_level", F_FILTER, risk_levels),
    REF("carried_from_id", F_SERVER),
};

static const field_spec assignment_fields[] = {
    REF("structure_id", F_FILTER),
    REF("person_id", F_FILTER),
    DEC("weight", 0, 0, 100),
    OPT_ENUM("scope", F_FILTER, scopes), /* the objective's type for this assignee (sql/010) */
    INT("slot", 0, 1, 10),               /* its slot among the assignee's objectives of that type */
};

static const field_spec phase_fields[] = {
    INT("seq", F_REQUIRED, 1, 1000),
    TEXT("description", F_REQUIRED, 5000),
    TEXTS("owners", 0, 50),
    DATE("start", 0),
    DATE("deadline", 0),
    DEC("weight", 0, 0, 100),
    DEC("cumulative", 0, 0, 100),
};

static const field_spec indicator_fields[] = {
    TEXT("code", F_REQUIRED | F_FILTER, 32),
    TEXT("name", F_REQUIRED, 1000),
    ENUM("group", "indicator_group", F_FILTER, groups, "'quantity'"),
    TEXT("unit", 0, 32),
    ENUM("value_type", NULL, 0, value_types, "'number'"),
    JSONV("baseline", 0, "nsb"),
    JSONV("target", 0, "nsb"),
    JSONV("targets", 0, "o"), /* a target per year, {"2025": 80} (sql/018_piao.sql) */
    ENUM("direction", NULL, 0, directions, "'higher_is_better'"),
    JSONV("rule", 0, "o"),
    DEC("weight", 0, 0, 100),
    TEXT("source", 0, 200),
};

resource_spec model_entities = {"entity", "entities",    "entities",           NULL, NULL, 0,  0,  0,
                                0,        entity_fields, COUNT(entity_fields), -1,   -1,   -1, -1, -1};
resource_spec model_people = {"person", "people", "people",      "entities",           "entity_id", 0,  1,
                              0,        0,        person_fields, COUNT(person_fields), -1,          -1, -1,
                              -1,       -1};
resource_spec model_structures = {"structure",
                                  "structures",
                                  "structures",
                                  "entities",
                                  "entity_id",
                                  0,
                                  1,
                                  0,
                                  0,
                                  structure_fields,
                                  COUNT(structure_fields),
                                  -1,
                                  -1,
                                  -1,
                                  -1,
                                  -1};
resource_spec model_plans = {
    "plan", "plans", "plans", "entities", "entity_id", 1, 0, 0, 0, plan_fields, COUNT(plan_fields), -1, -1, -1, -1, -1};
resource_spec model_objectives = {
    "objective", "objectives", "objectives", "plans", "plan_id", 0, 1, 0, 1, objective_fields, COUNT(objective_fields),
    -1,          -1,           -1,           -1,      -1};
resource_spec model_assignments = {"assignment",
                                   "assignments",
                                   "assignments",
                                   "objectives",
                                   "objective_id",
                                   0,
                                   1,
                                   1,
                                   1,
                                   assignment_fields,
                                   COUNT(assignment_fields),
                                   -1,
                                   -1,
                                   -1,
                                   -1,
                                   -1};
resource_spec model_phases = {
    "phase", "phases", "phases", "objectives", "objective_id", 0, 1, 1, 1, phase_fields, COUNT(phase_fields), -1, -1,
    -1,      -1,       -1};
resource_spec model_indicators = {"indicator",
                                  "indicators",
                                  "indicators",
                                  "objectives",
                                  "objective_id",
                                  0,
                                  1,
                                  1,
                                  1,
                                  indicator_fields,
                                  COUNT(indicator_fields),
                                  -1,
                                  -1,
                                  -1,
                                  -1,
                                  -1};

/* OpenID Connect sign-in (sql/013_oidc.sql, api/oidc.h): the issuers an entity accepts and the
 * identity-provider groups that give a role. */
static const char *const oidc_group_roles[] = {"planner", "evaluator", "erp", "reader", NULL};
static const field_spec oidc_issuer_fields[] = {
    TEXT("issuer", F_REQUIRED | F_FILTER, 255),
};
static const field_spec oidc_group_fields[] = {
    {"group", "group_name", FT_TEXT, F_REQUIRED | F_FILTER, 255, 0, 0, 0, NULL, NULL, NULL},
    ENUM("role", NULL, F_REQUIRED | F_FILTER, oidc_group_roles, NULL),
};
resource_spec model_oidc_issuers = {"issuer",
                                    "oidc-issuers",
                                    "oidc_issuers",
                                    "entities",
                                    "entity_id",
                                    0,
                                    1,
                                    0,
                                    0,
                                    oidc_issuer_fields,
                                    COUNT(oidc_issuer_fields),
                                    -1,
                                    -1,
                                    -1,
                                    -1,
                                    -1};
resource_spec model_oidc_groups = {"group",
                                   "oidc-groups",
                                   "oidc_groups",
                                   "entities",
                                   "entity_id",
                                   0,
                                   1,
                                   0,
                                   0,
                                   oidc_group_fields,
                                   COUNT(oidc_group_fields),
                                   -1,
                                   -1,
                                   -1,
                                   -1,
                                   -1};
/* end of OpenID Connect sign-in */

resource_spec *const model_resources[] = {&model_entities,     &model_people,      &model_structures, &model_plans,
                                          &model_objectives,   &model_assignments, &model_phases,     &model_indicators,
                                          &model_oidc_issuers, &model_oidc_groups};
const int model_resource_count = COUNT(model_resources);

int model_output_fields(const resource_spec *r, const char **names, int max)
{
    int n = 0;
#define PUT(x)                \
    do {                      \
        if (n < max)          \
            names[n++] = (x); \
    } while (0)
    PUT("id");
    if (r->parent_table)
        PUT("entity_id");
    if (r->parent_col && strcmp(r->parent_col, "entity_id") != 0)
        PUT(r->parent_col);
    if (r->parent_has_plan)
        PUT("plan_id");
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(field_column(&r->fields[i]), "entity_id") != 0)
            PUT(r->fields[i].name);
    PUT("created_at");
    PUT("updated_at");
#undef PUT
    return n;
}

const field_spec *model_field(const resource_spec *r, const char *name)
{
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

int model_is_plan_content(const resource_spec *r)
{
    return r == &model_objectives || r == &model_assignments || r == &model_phases || r == &model_indicators;
}

/*
 * rules.h — the Ciclo rules library: every calculation of the performance method.
 *
 * Pure C11: no I/O, no libpq, no jansson, no global state, no hidden allocation.
 * Every function is reentrant and thread-safe; memory is owned by the caller
 * unless a function's comment says otherwise.
 *
 * Errors are values: a function returns 0 on success and -1 on failure, and
 * fills a caller-owned rules_error with a field path, a message and a hint.
 */
#ifndef CICLO_RULES_H
#define CICLO_RULES_H

#include <stddef.h>
#include <stdint.h>

/* What went wrong, in words a user can act on (PostgreSQL's error style). */
typedef struct rules_error {
    char field[128];   /* JSON path of the offending input ("bands[2].max"), may be empty */
    char message[256]; /* short factual primary message ("31.06.2024 is not a date") */
    char hint[160];    /* how to fix it ("June has 30 days: use 30.06.2024"), may be empty */
} rules_error;

/* A calendar date (proleptic Gregorian). */
typedef struct rules_date {
    int year;  /* 1..9999 */
    int month; /* 1..12 */
    int day;   /* 1..31, valid for the month */
} rules_date;

/*
 * Parses a strict ISO date "YYYY-MM-DD" (the API's format).
 * Returns 0 and fills *out, or -1 with err saying why (e.g. "2024-06-31 is not
 * a date", hint "June has 30 days"). err may be NULL.
 */
int rules_date_parse_iso(const char *s, rules_date *out, rules_error *err);

/* Writes d as "YYYY-MM-DD" into buf (at least 11 bytes). */
void rules_date_format_iso(rules_date d, char buf[11]);

/* Fixed-point decimal: value = units / 10^4. Exact for money and percentages. */
typedef struct rules_decimal {
    int64_t units;
} rules_decimal;

#define RULES_DECIMAL_SCALE 10000

/*
 * Parses a plain decimal number as JSON writes it ("-12.5", "1e3", "600000.05")
 * with at most max_decimals digits after the point once normalised. Exact: no
 * digit is rounded away ("0.10000000000000001" has more than 2 decimals). Returns 0
 * or -1 with err ("1.005 has more than 2 decimals"). Rejects values beyond ±9e13.
 */
int rules_decimal_parse_plain(const char *s, int max_decimals, rules_decimal *out, rules_error *err);

/* Writes d with exactly `decimals` digits after the separator `sep` ('.' or ','),
 * no thousands grouping, into buf of at least 32 bytes. Returns buf. */
char *rules_decimal_format(rules_decimal d, int decimals, char sep, char buf[32]);

/* ------------------------------------------------------------------------- */
/* Limits. Every structure below is fixed-size; these bound it.              */
/* ------------------------------------------------------------------------- */

#define RULES_MAX_BANDS 32      /* bands in one bands or deadline rule */
#define RULES_MAX_PARTS 16      /* parts of one all_targets rule */
#define RULES_MAX_EXPR 1024     /* characters of a formula expression (without NUL) */
#define RULES_MAX_EXPR_DEPTH 32 /* nesting of parentheses, calls and unary signs */
#define RULES_MAX_INPUTS 16     /* named inputs of a formula value */
#define RULES_MAX_NAME 32       /* bytes of an input name, NUL included */
#define RULES_MAX_NESTING 4     /* rules inside rules (formula.then, all_targets.parts) */
#define RULES_EXPLANATION_MAX \
    512 /* a buffer this large never truncates an explanation
                                     of a rule without all_targets parts */

/* ------------------------------------------------------------------------- */
/* Decimal arithmetic (exact, fixed point, 4 decimals).                      */
/* ------------------------------------------------------------------------- */

#define RULES_DECIMAL_MAX_UNITS INT64_C(900000000000000000) /* 9e13 */

/* Makes a decimal from a whole number (caller keeps |n| <= 9e13). */
rules_decimal rules_decimal_from_int(int64_t n);

/* Compares a and b: <0, 0 or >0. */
int rules_decimal_cmp(rules_decimal a, rules_decimal b);

/* Rounds d half away from zero to `decimals` (0..4) digits after the point. */
rules_decimal rules_decimal_round(rules_decimal d, int decimals);

/* a * b and a / b rounded half away from zero to 4 decimals. Return 0, or -1
 * with err on overflow (beyond ±9e13) or division by zero. err may be NULL. */
int rules_decimal_mul(rules_decimal a, rules_decimal b, rules_decimal *out, rules_error *err);
int rules_decimal_div(rules_decimal a, rules_decimal b, rules_decimal *out, rules_error *err);

/* Writes d with as few decimals as needed ("86.5", "100", "0.0001") into buf
 * (at least 32 bytes), '.' as separator. Returns buf. */
char *rules_decimal_format_short(rules_decimal d, char buf[32]);

/* What an Italian number carried besides its value. */
typedef enum rules_number_unit {
    RULES_UNIT_NONE = 0,
    RULES_UNIT_PERCENT = 1, /* "72,19%", "5 %" */
    RULES_UNIT_EURO = 2     /* "€ 600.000,00", "600.000 euro" */
} rules_number_unit;

/*
 * Parses a number as Italian documents write it: "1.000.000,00", "€ 600.000,00",
 * "5 %", "72,19%", "0,5", "-3", "1000000". '.' groups thousands (groups of three
 * digits), ',' separates at most 4 decimals; spaces (also U+00A0, U+202F) are
 * ignored around the sign, the € sign, "euro"/"EUR" and %. unit may be NULL.
 * Returns 0, or -1 with err ("72.19 is not an Italian number", hint "write
 * decimals after a comma: 72,19"). Reentrant.
 */
int rules_number_parse_it(const char *s, rules_decimal *out, rules_number_unit *unit, rules_error *err);

/* ------------------------------------------------------------------------- */
/* Dates.                                                                    */
/* ------------------------------------------------------------------------- */

/* 1 when d is a real calendar date in years 1..9999, else 0. */
int rules_date_valid(rules_date d);

/* 1 when year is a leap year (Gregorian). */
int rules_is_leap_year(int year);

/* Days in the month (28..31), 0 for a month outside 1..12. */
int rules_days_in_month(int year, int month);

/* Compares two valid dates: <0, 0 or >0. */
int rules_date_compare(rules_date a, rules_date b);

/* Days from 0001-01-01 (day 0) to d; d must be valid. */
int32_t rules_date_ordinal(rules_date d);

/* Days from a to b (b - a): negative when b is before a. Both must be valid. */
int32_t rules_date_days_between(rules_date a, rules_date b);

/* A moment as RFC 3339 writes it (the API's timestamps). */
typedef struct rules_timestamp {
    rules_date date;
    int has_time;             /* 0: only a date was written (rules_timestamp_parse's date_only) */
    int hour, minute, second; /* 0..23, 0..59, 0..60 (a leap second is written as 60) */
    int offset_minutes;       /* east of UTC: +01:00 is 60, Z is 0 */
} rules_timestamp;

/* What rules_timestamp_parse found wrong. */
typedef enum rules_timestamp_fault {
    RULES_TIMESTAMP_OK = 0,
    RULES_TIMESTAMP_FORMAT = -1, /* not YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm) */
    RULES_TIMESTAMP_DATE = -2,   /* the date is not a real calendar date */
    RULES_TIMESTAMP_TIME = -3    /* the time of day is out of range */
} rules_timestamp_fault;

/*
 * Parses an RFC 3339 timestamp ("2025-12-31T23:59:59Z", "2025-12-31t10:00:00.5+01:00"; the
 * fraction is read and dropped) or, when date_only is 1, also a bare date "2025-12-31"
 * (has_time 0). Returns RULES_TIMESTAMP_OK, or the first fault found, reading from the left:
 * the layout up to the seconds, then the date, then the time of day, then fraction and
 * offset. Pure and reentrant.
 */
rules_timestamp_fault rules_timestamp_parse(const char *s, int date_only, rules_timestamp *out);

/* Seconds since 1970-01-01T00:00:00Z of a parsed timestamp (a bare date: its midnight UTC). */
int64_t rules_timestamp_epoch(const rules_timestamp *t);

/*
 * Parses a date as Italian documents write it: "31.12.2024", "31/12/2024",
 * "31-12-2024", "31/12/24" (20yy), "31-dic", "31 dic 2024", "30 giugno 2024",
 * "1° luglio", or ISO "2024-12-31". Month names and three-letter abbreviations
 * are case-insensitive. A form without a year takes default_year (1..9999; 0
 * makes a missing year an error). Impossible dates are errors that say why:
 * "31.06.2024 is not a date: June has 30 days" (hint "use 30.06.2024").
 */
int rules_date_parse_it(const char *s, int default_year, rules_date *out, rules_error *err);

/* A reporting frequency as a number of times per year: "trimestrale" -> 4,
 * "mensile" -> 12, "semestrale" -> 2, "annuale" -> 1, "settimanale" -> 52, etc.
 * (masculine and feminine forms, case-insensitive). Returns 0 or -1 with err. */
int rules_frequency_parse_it(const char *s, int *per_year, rules_error *err);

/* An expected value (valore atteso) from a plan's tables, classified. */
typedef enum rules_expected_kind {
    RULES_EXPECTED_NUMBER = 1,    /* "12", "1.000.000,00" */
    RULES_EXPECTED_PERCENT = 2,   /* "72,19%" */
    RULES_EXPECTED_EURO = 3,      /* "€ 600.000,00" */
    RULES_EXPECTED_DATE = 4,      /* "31-dic", "15/05/22" */
    RULES_EXPECTED_FREQUENCY = 5, /* "trimestrale": per_year = 4 */
    RULES_EXPECTED_BOOLEAN = 6    /* "Si" / "Sì" / "No" */
} rules_expected_kind;

typedef struct rules_expected {
    rules_expected_kind kind;
    rules_decimal number; /* NUMBER, PERCENT, EURO */
    rules_date date;      /* DATE */
    int per_year;         /* FREQUENCY */
    int boolean;          /* BOOLEAN */
} rules_expected;

/* Classifies and parses an expected value (tries boolean, frequency, date,
 * number in this order). Returns 0 or -1 with err when it is none of them. */
int rules_expected_parse_it(const char *s, int default_year, rules_expected *out, rules_error *err);

/* ------------------------------------------------------------------------- */
/* Scoring rules.                                                            */
/* ------------------------------------------------------------------------- */

typedef enum rules_kind {
    RULES_KIND_BANDS = 1,
    RULES_KIND_BOOLEAN = 2,
    RULES_KIND_LINEAR = 3,
    RULES_KIND_DEADLINE = 4,
    RULES_KIND_FORMULA = 5,
    RULES_KIND_ALL_TARGETS = 6
} rules_kind;

/* Which way is better. AUTO infers it from the scores of the lowest and the
 * highest band (for checks only; evaluation never needs it). */
typedef enum rules_direction {
    RULES_DIRECTION_AUTO = 0,
    RULES_DIRECTION_HIGHER = 1, /* higher_is_better */
    RULES_DIRECTION_LOWER = 2   /* lower_is_better */
} rules_direction;

/* One band: matches min <= v < max by default; a missing end is unbounded. */
typedef struct rules_band {
    rules_decimal min, max;
    rules_decimal score; /* 0..100 */
    unsigned char has_min, has_max;
    unsigned char min_exclusive; /* min < v */
    unsigned char max_inclusive; /* v <= max */
    unsigned char proportional;  /* interpolate from score at min to the next band's score at max */
} rules_band;

typedef struct rules_bands {
    int count;   /* 0..RULES_MAX_BANDS */
    int integer; /* values are counts: nothing lies between n and n+1 */
    rules_direction direction;
    rules_band band[RULES_MAX_BANDS];
} rules_bands;

/*
 * A scoring rule: a plain value owned by the caller. formula.then and
 * all_targets.part[] point to other rules that the caller owns too (typically
 * in the same array, see rule_json_decode); they must outlive this rule, and
 * the tree must be at most RULES_MAX_NESTING deep (deeper trees are errors).
 */
typedef struct rules_rule {
    rules_kind kind;
    union {
        rules_bands bands; /* BANDS */
        struct {
            rules_decimal target, baseline; /* target == baseline is an error */
        } linear;                           /* LINEAR */
        struct {
            rules_date due;
            rules_bands bands; /* on days late (negative = early); integer is implied.
                                  count 0: on time -> 100, late -> 0 */
        } deadline;            /* DEADLINE */
        struct {
            char expr[RULES_MAX_EXPR + 1];
            const struct rules_rule *then; /* NULL: the result is the score (0..100) */
        } formula;                         /* FORMULA */
        struct {
            int count; /* 1..RULES_MAX_PARTS */
            const struct rules_rule *part[RULES_MAX_PARTS];
        } all_targets; /* ALL_TARGETS */
    };
} rules_rule;

/* Initialises *r as an empty rule of the given kind (zeroes everything). */
void rules_rule_init(rules_rule *r, rules_kind kind);

/* Appends a band to a bands rule; returns 0, or -1 when RULES_MAX_BANDS is reached. */
int rules_bands_add(rules_bands *b, rules_band band);

/* A named formula input. */
typedef struct rules_input {
    char name[RULES_MAX_NAME];
    rules_decimal value;
} rules_input;

typedef enum rules_value_kind {
    RULES_VALUE_NUMBER = 1,  /* bands, linear */
    RULES_VALUE_BOOLEAN = 2, /* boolean */
    RULES_VALUE_DATE = 3,    /* deadline: the completion date */
    RULES_VALUE_INPUTS = 4,  /* formula: named numbers */
    RULES_VALUE_PARTS = 5    /* all_targets: one value per part, in order */
} rules_value_kind;

/* A measured value. `parts` is borrowed: the caller keeps it alive while the
 * value is used. */
typedef struct rules_value {
    rules_value_kind kind;
    rules_decimal number;
    int boolean;
    rules_date date;
    int n_inputs;
    rules_input inputs[RULES_MAX_INPUTS];
    int n_parts;
    const struct rules_value *parts;
} rules_value;

/* Convenience constructors (fill only what the kind needs). */
rules_value rules_value_number(rules_decimal d);
rules_value rules_value_bool(int b);
rules_value rules_value_date(rules_date d);

/*
 * Scores `value` with `rule`: *score is 0..100 rounded to 2 decimals.
 * explanation (may be NULL, then nothing is written and evaluation is faster)
 * receives a NUL-terminated sentence such as "86.5 is in [85, 90) → 80",
 * truncated to explanation_size. Returns 0, or -1 with err when the value
 * cannot be scored: wrong kind of value, a value that no band matches ("74.5
 * matches no band: it lies in the gap between bands[1] and bands[2]"), a value
 * in overlapping bands with different scores, a non-whole count for an integer
 * rule, a formula error (division by zero, unknown input), a malformed rule.
 * Pure, reentrant, allocation-free.
 */
int rules_evaluate(const rules_rule *rule, const rules_value *value, rules_decimal *score, char *explanation,
                   size_t explanation_size, rules_error *err);

/* ------------------------------------------------------------------------- */
/* Formula expressions.                                                      */
/* ------------------------------------------------------------------------- */

/*
 * The expression language: decimal numbers ("12.5"), input names
 * ([A-Za-z_][A-Za-z0-9_]*), + - * / (also the signs − × ÷), unary minus,
 * parentheses, min(a, b, ...) and max(a, b, ...). At most RULES_MAX_EXPR
 * characters and RULES_MAX_EXPR_DEPTH levels of nesting. Arithmetic is exact
 * fixed point with 12 decimals (division rounds half away from zero at the
 * 12th), magnitudes up to 1e18; the result is rounded to 4 decimals.
 */

/* Evaluates expr over inputs (n may be 0). Returns 0, or -1 with err
 * ("division by zero at 19: 'assigned' is 0", "unknown input 'lost'" with a
 * hint listing the inputs given, "syntax error at 7: expected ')'"). */
int rules_formula_eval(const char *expr, const rules_input *inputs, int n, rules_decimal *out, rules_error *err);

/* Checks the syntax of expr without inputs and lists the distinct input names
 * it uses (up to cap, in order of first use; *n_names gets the total, which may
 * exceed cap). names and n_names may be NULL. Returns 0 or -1 with err. */
int rules_formula_check(const char *expr, char (*names)[RULES_MAX_NAME], int cap, int *n_names, rules_error *err);

/* ------------------------------------------------------------------------- */
/* Findings (rule checks and plan checks).                                   */
/* ------------------------------------------------------------------------- */

typedef enum rules_severity {
    RULES_SEVERITY_ERROR = 1,   /* the plan cannot be scored as written */
    RULES_SEVERITY_WARNING = 2, /* a defect a programming office should fix */
    RULES_SEVERITY_INFO = 3     /* worth a look (a phase without deadline) */
} rules_severity;

typedef struct rules_finding {
    rules_severity severity;
    char code[40];  /* stable code, see the lists below */
    char path[128]; /* "rule.bands[2]", "objectives[3].phases", ... */
    char message[256];
} rules_finding;

/* Returns "error", "warning" or "info". */
const char *rules_severity_name(rules_severity s);

/*
 * Rule check codes (severity):
 *   band_overlap           error    two bands share values and score differently
 *   band_gap               error    values between two bands match none (for
 *                                   "integer" rules only whole numbers count)
 *   band_gap_fractional    warning  only fractions fall between two bands ("1-10",
 *                                   "11-30" in days) of a rule not marked integer
 *   band_open_end          warning  values below the lowest / above the highest
 *                                   band match none
 *   band_not_monotonic     error    a worse value scores above a better one
 *   band_same_score        warning  adjacent bands with the same score
 *   band_unreachable       error    a band no value can match (min > max, empty)
 *   band_proportional_end  error    a proportional band without both ends or
 *                                   without a band starting at its max
 *   band_no_full_score     warning  no band scores 100
 *   score_out_of_range     error    a score outside 0..100
 *   bands_empty            error    a bands rule with no band
 *   linear_flat            error    linear target == baseline
 *   formula_invalid        error    the expression does not parse
 *   parts_empty            error    all_targets without parts
 *   rule_invalid           error    unknown kind, NULL part, nesting too deep
 */

/*
 * Checks rule; findings are appended to out (up to cap; more are counted but
 * dropped), paths prefixed with `path` (NULL means "rule"). *n_found (may be
 * NULL) receives the total number of findings. Returns the number of findings
 * of severity error (0: the rule can be used).
 */
int rules_check(const rules_rule *rule, const char *path, rules_finding *out, size_t cap, size_t *n_found);

/* ------------------------------------------------------------------------- */
/* The plan's method (its SMVP) and scoring without a written rule (issue 14). */
/* See README "Scoring" for each choice in words with a worked example.       */
/* ------------------------------------------------------------------------- */

/* "target" direction: the value should equal the target (neither more nor less). */
#define RULES_DIRECTION_EXACT ((rules_direction)3)

/* How an objective's indicators and phases make its score. */
typedef enum rules_combine {
    RULES_COMBINE_AUTO = 0,       /* the default: indicators when the objective has any, else phases */
    RULES_COMBINE_INDICATORS = 1, /* indicators only (phases shown, not scored); an objective
                                     without indicators scores its phases */
    RULES_COMBINE_PHASES = 2,     /* phases only (indicators shown, not scored; seed 001); an
                                     objective without phases scores its indicators */
    RULES_COMBINE_MIX = 3         /* value × mix_value% + time × (100 - mix_value)% (seed 003):
                                     value = indicators without a date target, time = indicators
                                     with a date target or, without any, the phases' timeliness */
} rules_combine;

/* How phases score. */
typedef enum rules_phase_scoring {
    RULES_PHASES_SHARE = 0,     /* the default: Σ weight × percent complete / Σ weight */
    RULES_PHASES_CUMULATIVE = 1 /* Σ weights of the phases completed by their deadline (the running
                                    total reached, "valore obiettivo", seed 001); unweighted phases
                                    do not count */
} rules_phase_scoring;

/* What an indicator without a value does to its objective. */
typedef enum rules_unmeasured {
    RULES_UNMEASURED_LEAVE = 0, /* the default: it leaves the mean (not a zero) */
    RULES_UNMEASURED_ZERO = 1   /* once the objective has some value, it counts as 0 */
} rules_unmeasured;

/* A plan's method (plain caller-owned value); start from rules_method_default(). */
typedef struct rules_method {
    rules_combine combine;
    rules_decimal mix_value; /* MIX: weight % of the achieved value, 0..100 (time: the rest) */
    rules_phase_scoring phases;
    rules_decimal threshold; /* achievement % below which a number scores 0, 0..100 */
    int rounding;            /* decimals of every score, 0..2 */
    rules_unmeasured unmeasured;
    rules_decimal late_per_day; /* date targets: points lost per day late (0: late scores 0), 0..100 */
    int no_roll_up;             /* 0 (default): an objective without indicators and phases scores
                                     from its children; 1: it is not measured */
} rules_method;

/* The default method: indicators, else phases by share completed; no threshold; 2 decimals;
 * not measured leaves the mean; late dates score 0; parents roll up from their children. */
rules_method rules_method_default(void);

/*
 * Checks a method. Codes (errors): method_out_of_range with paths "method.mix.value",
 * "method.threshold", "method.rounding", "method.late_per_day"; method_invalid ("method.combine",
 * "method.phases", "method.not_measured"). Findings as rules_check. Returns the error count.
 */
int rules_method_check(const rules_method *m, rules_finding *out, size_t cap, size_t *n_found);

/* Expected, achieved, deviation (seed 003's ATTESO, RAGGIUNTO, Scost.). */
typedef struct rules_deviation {
    int has_absolute;
    rules_decimal absolute; /* value - target (numbers: in the target's unit; dates: days, late > 0) */
    int has_percent;
    rules_decimal percent; /* absolute / |target| × 100, 2 decimals (numbers with target != 0) */
} rules_deviation;

/* ------------------------------------------------------------------------- */
/* The plan model: plain caller-owned arrays that refer to each other by index. */
/* ------------------------------------------------------------------------- */

typedef struct rules_objective {
    const char *code;       /* borrowed, may be NULL (then not checked for duplicates) */
    int parent;             /* index of the objective above in the cascade, -1 for none */
    int payment_timeliness; /* 1: a payment-timeliness objective (DL 13/2023 art. 4-bis) */
    /* monitoring periods (issue 14): a score set by hand, approved by the evaluator */
    int has_override;
    rules_decimal override_score; /* 0..100: the objective's score, for its assignees and its parent */
} rules_objective;

typedef struct rules_assignee {
    const char *code; /* borrowed, may be NULL */
    int is_manager;   /* 1: the 30% payment-timeliness rule applies */
} rules_assignee;

/* An objective carried by an assignee (structure or person) with a weight. */
typedef struct rules_assignment {
    int objective;        /* index into objectives */
    int assignee;         /* index into assignees */
    rules_decimal weight; /* 0..100; an assignee's weights total 100 */
} rules_assignment;

typedef struct rules_phase {
    int objective;
    int has_weight;       /* seed 001 has phases without weight: they do not count */
    rules_decimal weight; /* % of the objective */
    int has_cumulative;
    rules_decimal cumulative; /* % of the objective done when this phase is done */
    int has_deadline;
    rules_date deadline;
    const int *owners; /* borrowed assignee indices; NULL/n_owners 0: every assignee */
    int n_owners;
    rules_decimal percent_complete; /* latest progress as of the scoring date, 0..100 */
    int completed;                  /* 1 when completed_on is set */
    rules_date completed_on;
} rules_phase;

typedef enum rules_measure_state {
    RULES_NOT_MEASURED = 0, /* no value yet: leaves the mean (not a zero) */
    RULES_MEASURED = 1,
    RULES_NOT_ASSESSABLE = 2 /* "non valutabile": leaves sum and weights */
} rules_measure_state;

typedef struct rules_indicator {
    const char *code; /* borrowed, may be NULL; unique in the plan */
    int objective;
    rules_decimal weight;   /* weight within the objective (all 0: equal weights) */
    const rules_rule *rule; /* borrowed; NULL: scored by its target (see below) */
    rules_measure_state state;
    const rules_value *value; /* borrowed; required when MEASURED */
    /* Scoring without a rule (issue 14): read only when rule is NULL. */
    int has_target;            /* 1: the plan states a target (valore atteso) */
    int target_comparable;     /* 1: target is a number, a date or yes/no that a value can meet;
                                  0: "trimestrale", "nessuna", free text: an evaluator judges it */
    rules_expected target;     /* the target, when comparable (FREQUENCY is never comparable) */
    rules_direction direction; /* HIGHER, LOWER or RULES_DIRECTION_EXACT; AUTO reads as HIGHER */
    int has_baseline;          /* 1: baseline holds a comparable starting value (shown, not scored) */
    rules_expected baseline;
    int judged;              /* 1: an evaluator recorded a score for it (counts instead of any
                                  default scoring of a target that cannot be compared) */
    rules_decimal judgement; /* that score, 0..100 */
} rules_indicator;

/* ---- Plan-check context (issue 15): what the checker reads beyond the scores ----
 * Every pointer may be NULL: the checks that need it are skipped. Arrays are parallel to
 * the plan's (objectives, phases, indicators, assignments) or list the entity's
 * organisation (structures, people). Texts are borrowed, as written in the plan. */

typedef enum rules_scope {
    RULES_SCOPE_NONE = 0,
    RULES_SCOPE_ENTITY = 1,    /* "Obiettivo di Ente" */
    RULES_SCOPE_STRUCTURE = 2, /* "Obiettivo di Direzione" */
    RULES_SCOPE_INDIVIDUAL = 3 /* "Obiettivo Individuale" */
} rules_scope;

typedef enum rules_level {
    RULES_LEVEL_UNKNOWN = 0,
    RULES_LEVEL_STRATEGIC = 1,   /* DUP strategic objective: measured through its children */
    RULES_LEVEL_OPERATIONAL = 2, /* DUP operational objective */
    RULES_LEVEL_MANAGEMENT = 3   /* PEG / performance-plan objective */
} rules_level;

typedef struct rules_check_objective {
    const char *title; /* may be NULL; dates in it are checked */
    rules_level level;
    int routine;            /* 1: a routine objective (no parent expected) */
    rules_scope scope;      /* its type (entity, structure, individual); 0: not given */
    int year_from, year_to; /* its own years (0: the plan's); date targets are checked
                                    against them */
    int n_notes;            /* notes where the source contradicts itself */
    const char *note;       /* the first of them, may be NULL */
} rules_check_objective;

/* The type and slot of one assignment, where the source gives them per assignee. */
typedef struct rules_check_assignment {
    rules_scope scope; /* 0: the objective's */
    int slot;          /* its column among the assignee's objectives of that type, 0: none */
} rules_check_assignment;

typedef struct rules_check_phase {
    int seq;                   /* the phase's number in its objective (0: unknown) */
    const char *description;   /* may be NULL; a month label in it ("Giugno") is checked */
    const char *deadline_text; /* the deadline as written when it is not an ISO date
                                    ("31.06.2024", "45291", "30 giugno"), else NULL */
} rules_check_phase;

typedef struct rules_check_indicator {
    const char *name;          /* may be NULL; operators and stated numbers are read */
    const char *target;        /* as written ("72,19%", "trimestrale", "2024-12-31"); NULL: none */
    const char *baseline;      /* as written; NULL: none */
    rules_direction direction; /* HIGHER, LOWER; AUTO: not stated or "target" */
    int date_valued;           /* 1: the indicator's value is a date */
} rules_check_indicator;

typedef enum rules_role {
    RULES_ROLE_OTHER = 0,
    RULES_ROLE_MANAGER = 1, /* dirigente, segretario: should lead a structure */
    RULES_ROLE_EQ = 2       /* incarico di elevata qualificazione (ex PO): needs a unit */
} rules_role;

typedef struct rules_check_structure {
    const char *code, *name;
    int manager;            /* index into people; -1: none named; -2: one named who is not
                                    in people (known elsewhere) */
    int carries_objectives; /* 1: some assignment of the plan is to it */
} rules_check_structure;

typedef struct rules_check_person {
    const char *code, *name;
    rules_role role;
} rules_check_person;

typedef struct rules_check_context {
    const rules_check_objective *objectives;   /* [n_objectives] */
    const rules_check_phase *phases;           /* [n_phases] */
    const rules_check_indicator *indicators;   /* [n_indicators] */
    const unsigned char *assignment_weighted;  /* [n_assignments]: 1 when the plan gives the
                                                  weight, 0 when it does not (NULL: all given) */
    const rules_check_assignment *assignments; /* [n_assignments] or NULL */
    const rules_check_structure *structures;
    int n_structures;
    const rules_check_person *people;
    int n_people;
    int has_adopted;
    rules_date adopted; /* the first adoption (deliberation date) */
} rules_check_context;

typedef struct rules_plan {
    int year_from, year_to; /* the plan's years (e.g. 2024..2026); 0: not checked */
    const rules_objective *objectives;
    int n_objectives;
    const rules_assignee *assignees;
    int n_assignees;
    const rules_assignment *assignments;
    int n_assignments;
    const rules_phase *phases;
    int n_phases;
    const rules_indicator *indicators;
    int n_indicators;
    const rules_method *method;       /* borrowed; NULL: rules_method_default() (issue 14) */
    const rules_check_context *check; /* borrowed; NULL: the checks that need it are skipped */
} rules_plan;

typedef enum rules_score_status {
    RULES_SCORE_NOT_MEASURED = 0,
    RULES_SCORE_MEASURED = 1,
    RULES_SCORE_ERROR = 2,          /* an indicator could not be evaluated */
    RULES_SCORE_NEEDS_JUDGEMENT = 3 /* an indicator's target cannot be compared and no evaluator
                                       has judged it yet, or the objective has no indicator, no
                                       phase and no child (rules_plan_score only; issue 14) */
} rules_score_status;

/* An objective's result as of a date. */
typedef struct rules_objective_result {
    rules_score_status status;
    rules_decimal score; /* 0..100 (2 decimals) when MEASURED */
    int from_phases;     /* 1: score is the phases' achievement (no indicators) */
    int n_indicators, n_measured, n_not_assessable;
    int has_achievement;
    rules_decimal achievement; /* Σ weight × percent complete / Σ weight, 0..100 */
    int has_timeliness;
    rules_decimal timeliness; /* weight share of phases due by the date done on time */
    int error_indicator;      /* index of the failing indicator when ERROR, else -1 */
    int has_owner_phases;     /* 1: some phase names its owners (scores differ per assignee) */
    int64_t internal_[16];    /* accumulators of the library: do not use */
    /* issue 14 */
    int n_needs_judgement;   /* indicators waiting for an evaluator's judgement */
    int judgement_indicator; /* the first of them, -1 for none */
    rules_combine combined;  /* how the score was made (AUTO never: the rule that applied) */
    int has_value;
    rules_decimal value; /* the indicators' part (MIX: those without a date target) */
    int has_time;
    rules_decimal time; /* MIX: the date-target indicators' or the phases' timeliness part */
    int has_phase_value;
    rules_decimal phase_value; /* the phases' score by the method (share or cumulative) */
    int from_children;         /* 1: score is the (weighted) mean of the children's scores */
    int n_children, n_children_scored;
    int children_weighted;  /* 1: weighted by the children's assignment weights, 0: plain mean */
    int64_t internal2_[24]; /* accumulators of the library: do not use */
    /* monitoring periods (issue 14): an approved override replaced the computed result */
    int overridden;
    rules_score_status computed_status; /* what the method computed, kept visible */
    rules_decimal computed_score;
} rules_objective_result;

/*
 * Scores one objective as of `as_of` (phases completed after as_of count as not
 * completed). assignee >= 0 restricts phases to those whose owners include it
 * (owners tags, seed 001); -1 counts every phase. err (may be NULL) receives the
 * indicator error when status is ERROR. O(indicators + phases) of the plan.
 */
void rules_objective_score(const rules_plan *plan, int objective, int assignee, rules_date as_of,
                           rules_objective_result *out, rules_error *err);

/* An assignee's result: the weighted mean of its measured objectives. */
typedef struct rules_assignee_result {
    rules_score_status status;     /* NOT_MEASURED when no objective is measured */
    rules_decimal score;           /* 0..100 (2 decimals) */
    rules_decimal weight_total;    /* Σ weights assigned */
    rules_decimal weight_measured; /* Σ weights of the measured objectives */
    int n_objectives, n_not_measured, n_errors;
    int64_t internal_[3];  /* accumulators of the library: do not use */
    int n_needs_judgement; /* objectives waiting for a judgement (also counted not measured) */
    int equal_weights;     /* 1: no measured objective carries a weight (the plan prints none,
                                   Venezia's PEG), so score is their plain mean, not a zero */
} rules_assignee_result;

/*
 * Scores the whole plan in one pass: objectives[n_objectives] receives every
 * objective's result (assignee -1) and assignees[n_assignees] (may be NULL)
 * every assignee's. Arrays are caller-owned and sized to the plan. Objectives
 * whose phases have owners are re-scored per assignee. An assignee's score is the
 * mean of its measured objectives weighted by their assignment weights; when none
 * of them carries a weight it is their plain mean (equal_weights). Weights and percentages
 * are clamped to 0..100 (rules_plan_check reports them); at most 1,000,000
 * items of each kind. Returns 0, or -1 with err when an index is out of range
 * or the plan is too large. Allocation-free, O(size of the plan).
 */
int rules_plan_score(const rules_plan *plan, rules_date as_of, rules_objective_result *objectives,
                     rules_assignee_result *assignees, rules_error *err);

/*
 * Lists the objectives of `assignee` that are not measured as of the scoring
 * in `objectives` (the output of rules_plan_score): up to cap indices into out;
 * returns the total count.
 */
int rules_assignee_not_measured(const rules_plan *plan, const rules_objective_result *objectives, int assignee,
                                int *out, int cap);

/*
 * Scores one indicator the way rules_plan_score does (issue 14): by its rule when it has one,
 * else by its target and direction under method m (NULL: default), else by an evaluator's
 * judgement. Returns RULES_SCORE_MEASURED with *score, RULES_SCORE_NOT_MEASURED (no value,
 * not assessable), RULES_SCORE_NEEDS_JUDGEMENT, or RULES_SCORE_ERROR with err. explanation
 * (may be NULL) gets a sentence ("value 45 / target 50 = 90% → 90"); dev (may be NULL) the
 * deviation of the value from the target (has_* 0 when there is none). Pure, allocation-free.
 */
rules_score_status rules_indicator_score(const rules_method *m, const rules_indicator *ind, rules_decimal *score,
                                         rules_deviation *dev, char *explanation, size_t explanation_size,
                                         rules_error *err);

/* Deviation of a value from a comparable target (numbers and dates; nothing for yes/no). */
rules_deviation rules_deviation_of(const rules_expected *target, const rules_value *value);

/*
 * One sentence on how objective `objective` got its result `r` (from rules_plan_score or
 * rules_objective_score) under the plan's method: "indicators 80 × 50% + time 100 × 50% = 90",
 * "weighted mean of 3 children = 82.5", "phases completed by their deadline: 50 of 100".
 * Returns buf (NUL-terminated, truncated to size).
 */
char *rules_objective_explain(const rules_plan *plan, int objective, const rules_objective_result *r, char *buf,
                              size_t size);

/*
 * Plan check codes (issue 15). Severity: error only where the plan cannot be scored as written;
 * warning: a defect to fix; info: worth a look. Paths name items by index ("phases[12]"); the
 * server renames them with codes ("objectives[SIS-01].phases[2]"). Messages name objectives by
 * code, phases by number ("phase 2 of objective SIS-01"), indicators and assignees by code.
 * Checks marked (cx) need plan->check.
 *
 *   invalid_reference           error    an index out of range ("indicators[3].objective",
 *                                        "phases[j].owners": an owner that is no assignee)
 *   weight_out_of_range         error    "assignments[i].weight" / "phases[j].weight": not 0..100
 *   invalid_date                error    "phases[j].deadline" / "phases[j].completed_on"
 *   objective_cycle             error    "objectives[i].parent": the cascade loops
 *   duplicate_code              error    "objectives[i].code" / "indicators[k].code" / "assignees[a].code"
 *   (rule check codes)          as above "indicators[k].rule...": the rule's own findings
 * Weights
 *   assignee_weights_not_100    warning  "assignees[a]": the weights given do not total 100
 *   assignee_without_weights    warning  "assignees[a]": none of its objectives has a weight (cx)
 *   plan_without_weights        warning  "plan": no assignment has a weight (cx)
 *   assignment_without_weight   warning  "assignments[i].weight": none given, beside weighted ones (cx)
 *   phase_without_weight        warning  "phases[j].weight": none, beside weighted phases
 *   phase_weights_not_100       warning  "objectives[i].phases": weighted phases do not total 100
 *   phase_cumulative_mismatch   warning  "phases[j].cumulative": not the running sum of the weights
 *   phase_cumulative_not_rising warning  "phases[j].cumulative": below the phase before
 *   phase_cumulative_not_100    warning  "phases[j].cumulative": the last one is not 100
 *   slot_over_limit             warning  "assignees[a]": more objectives of a type than the plan
 *                                        has slots for it (the highest slot used) (cx)
 * Dates
 *   deadline_outside_plan       warning  "phases[j].deadline" / "indicators[k].rule.due"
 *   date_outside_plan           warning  a date target, or "entro il ..." in a text, outside the
 *                                        plan's years (cx)
 *   deadline_before_adoption    warning  a deadline already past at the first adoption (cx)
 *   deadline_label_mismatch     warning  "phases[j].deadline": labelled "Giugno", due in July (cx)
 *   phases_out_of_order         warning  "phases[j].deadline": due before the phase before it
 *   phase_without_deadline      info     "phases[j].deadline"
 *   impossible_date             warning  "31.06.2024", "33/11/2024" written in a text (cx)
 *   date_two_digit_year         warning  "15/05/22" (cx)
 *   date_without_year           warning  "31-dic", "30/06" as a deadline (cx)
 *   date_excel_serial           warning  "45291" where a date belongs, "00/01/1900" (cx)
 * Targets (cx)
 *   indicator_without_target    warning  "indicators[k].target": neither a target nor a rule
 *   target_not_measurable       warning  "trimestrale", "nessuna", free text
 *   target_operator_in_text     warning  "<=24", ">= 9 mln" inside the target (or the name)
 *   target_contradicts_text     warning  "72,19%" against "almeno il 5%" in its own words
 *   target_met_by_baseline      warning  the baseline already meets the target
 *   target_weaker_than_parent   warning  a PEG target asking less than its DUP parent's
 * Rules
 *   formula_division_by_zero    warning  a formula dividing by an input or a bracket
 * Organisation (cx)
 *   structure_without_manager   warning  "structures[s]"
 *   manager_without_structure   warning  "people[p]": a dirigente leading no structure
 *   eq_without_unit             warning  "people[p]": an EQ post without a unit
 *   structure_several_names     warning  "structures[s]": one name under two codes (the first)
 *   objective_without_parent    warning  "objectives[i]": none, where its level cascades
 *   strategic_without_children  warning  "objectives[i]": no objective under it and no measure
 *   objective_without_measure   warning  "objectives[i]": no indicator, phase or child
 *   objective_without_title     warning  "objectives[i]"
 *   seed_conflict               warning  "objectives[i]": notes record that the source contradicts
 *                                        itself
 * Law
 *   payment_timeliness_below_30 warning  "assignments[i].weight" (or "assignees[a]"): a manager's
 *                                        payment-timeliness objectives weigh less than 30 (DL 13/2023
 *                                        art. 4-bis, plans from 2023)
 *   plan_adopted_late           warning  "plan": adopted after 31 January (30 June 2022) (cx)
 */

/* Words of scratch memory (int64_t) that rules_plan_check needs for `plan`:
 * O(objectives + assignees + indicators). */
size_t rules_plan_check_scratch(const rules_plan *plan);

/*
 * Checks a plan. Findings go to out (up to cap, more are counted); *n_found
 * (may be NULL) gets the total. scratch is caller-owned memory of scratch_len
 * int64_t words, at least rules_plan_check_scratch(plan); its content on return
 * is unspecified. Returns the number of error findings, or -1 when scratch is
 * too small. O(n) in the size of the plan, allocation-free.
 */
int rules_plan_check(const rules_plan *plan, rules_finding *out, size_t cap, size_t *n_found, int64_t *scratch,
                     size_t scratch_len);

/* ------------------------------------------------------------------------- */
/* Payment timeliness indicator (ITP, DPCM 22/9/2014 art. 9).                */
/* ------------------------------------------------------------------------- */

typedef struct rules_invoice {
    rules_date due;       /* scadenza */
    rules_date paid;      /* data di pagamento */
    rules_decimal amount; /* importo pagato, > 0 */
} rules_invoice;

/*
 * ITP = Σ(days from due to payment × amount) / Σ amount, in days rounded to 2
 * decimals, negative when paying early. Exact (128-bit intermediate sums).
 * Returns 0, or -1 with err (no invoices, an invalid date, an amount <= 0;
 * field "invoices[i].amount"). *met (may be NULL) is 1 when ITP <= 0.
 */
int rules_itp(const rules_invoice *invoices, size_t n, rules_decimal *itp, int *met, rules_error *err);

/* ========================================================================= */
/* People evaluation and bonus (issue 10). See docs/EVALUATION.md.           */
/* ========================================================================= */

#define RULES_EVAL_MAX_BEHAVIOURS 32 /* behaviours in one scheme */
#define RULES_EVAL_MAX_LEVELS 11     /* levels of one rating scale */
#define RULES_EVAL_MAX_BANDS 16      /* score bands of one scheme */
#define RULES_EVAL_MAX_GIVEN 100000  /* evaluations given, for the differentiation measure */
#define RULES_EVAL_EXPLANATION 512   /* one explanation line of a form or a bonus */

/* Who a scheme evaluates. */
typedef enum rules_eval_role {
    RULES_EVAL_MANAGER = 1, /* dirigente */
    RULES_EVAL_EQ = 2,      /* incaricato di Elevata Qualificazione */
    RULES_EVAL_STAFF = 3    /* dipendente */
} rules_eval_role;

/* The components of an evaluation, in this order everywhere. */
typedef enum rules_eval_component {
    RULES_EVAL_STRUCTURE = 0,       /* performance of the structure (organisational performance) */
    RULES_EVAL_OBJECTIVES = 1,      /* individual objectives, weighted by participation */
    RULES_EVAL_BEHAVIOURS = 2,      /* behaviours rated by the evaluator */
    RULES_EVAL_DIFFERENTIATION = 3, /* managers: how much they differentiated (D.Lgs. 150/2009 art. 9) */
    RULES_EVAL_COMPONENTS = 4
} rules_eval_component;

/* A behaviour of the catalogue: its weight among behaviours (they total 100) and the
 * ratings its scale allows, strictly ascending (the last is the scale's maximum). */
typedef struct rules_behaviour {
    const char *code;     /* borrowed, may be NULL; for explanations */
    rules_decimal weight; /* 0..100 */
    int n_levels;         /* 2..RULES_EVAL_MAX_LEVELS */
    rules_decimal level[RULES_EVAL_MAX_LEVELS];
} rules_behaviour;

/* A score band: from min_score (inclusive) up to the next band's min_score, the
 * coefficient of the bonus. Scores below the first band get no bonus. */
typedef struct rules_eval_band {
    rules_decimal min_score;   /* 0..100, strictly ascending across bands */
    rules_decimal coefficient; /* 0..10, never lower than the band below */
} rules_eval_band;

/* An evaluation scheme (the SMVP of one entity, year and role): plain caller-owned value. */
typedef struct rules_eval_scheme {
    rules_eval_role role;
    rules_decimal weight[RULES_EVAL_COMPONENTS]; /* total 100; differentiation only for managers */
    int n_behaviours;
    rules_behaviour behaviour[RULES_EVAL_MAX_BEHAVIOURS];
    int n_bands;
    rules_eval_band band[RULES_EVAL_MAX_BANDS];
    rules_decimal premium_share;    /* % of the people evaluated who may get the art. 69/81
                                       premium (0: none), 0..100 */
    rules_decimal premium_increase; /* the premium as % of the average individual bonus, >= 30 */
    rules_decimal cv_target;        /* managers: the coefficient of variation (%) of the scores
                                       they gave that earns the full differentiation score, > 0 */
} rules_eval_scheme;

/* Names of the components ("structure", "objectives", "behaviours", "differentiation"). */
const char *rules_eval_component_name(rules_eval_component c);

/*
 * Checks a scheme. Codes (all errors): weight_out_of_range ("weights.<component>",
 * "behaviours[i].weight"), weights_not_100 ("weights"), differentiation_not_for_role
 * ("weights.differentiation": only managers are judged on it), behaviours_missing
 * ("behaviours": the behaviour component weighs but there is no behaviour, or the
 * reverse), behaviour_weights_not_100 ("behaviours"), scale_too_short, scale_not_ascending,
 * scale_negative (a level outside 0..1000; "behaviours[i].scale[j]"), bands_missing
 * ("bands"), band_not_ascending, band_out_of_range, band_coefficient_decreasing
 * ("bands[i]"), premium_out_of_range
 * ("premium.share" / "premium.increase": share 0..100, increase 30..100), cv_target_invalid
 * ("differentiation_cv_target"). Findings go to out (up to cap, more are counted);
 * *n_found (may be NULL) gets the total. Returns the number of errors (0: usable).
 */
int rules_eval_scheme_check(const rules_eval_scheme *s, rules_finding *out, size_t cap, size_t *n_found);

/* A participation in an objective: the objective's score as of the evaluation date and
 * the share of the person's work it took. Its weight in the individual objectives score
 * is percent × months/12 × part_time/100 (part-time and partial years count pro rata). */
typedef struct rules_participation {
    const char *code;          /* the objective's code, borrowed, may be NULL */
    rules_score_status status; /* only MEASURED objectives count (others leave the mean) */
    rules_decimal score;       /* 0..100 */
    rules_decimal percent;     /* % participation, 0..100 */
    int months;                /* months of service on it in the year, 0..12 */
    rules_decimal part_time;   /* % of full time, 0..100 */
} rules_participation;

/* What a form is computed from. Arrays are borrowed. */
typedef struct rules_eval_input {
    int has_structure;                         /* 0: the structure's score is not measured */
    rules_decimal structure_score;             /* 0..100 */
    const rules_participation *participations; /* may be NULL when n_participations is 0 */
    int n_participations;
    int has_own_score;            /* without participations: the person's own score */
    rules_decimal own_score;      /* (a manager's objectives in the plan), 0..100 */
    const rules_decimal *ratings; /* one per behaviour of the scheme, in its order */
    const unsigned char *rated;   /* rated[i] 0: behaviour i not rated yet */
    int n_ratings;                /* = scheme n_behaviours (or 0: nothing rated) */
    const rules_decimal *given;   /* managers: final scores of the evaluations they gave */
    int n_given;
} rules_eval_input;

/* A form's numbers, each with the sentence that explains it. */
typedef struct rules_eval_result {
    int has[RULES_EVAL_COMPONENTS];             /* 1: the component has a score */
    rules_decimal score[RULES_EVAL_COMPONENTS]; /* 0..100, 2 decimals */
    rules_decimal weight[RULES_EVAL_COMPONENTS];
    char explanation[RULES_EVAL_COMPONENTS][RULES_EVAL_EXPLANATION];
    int complete; /* 1: every weighted component has a score (a form may be signed) */
    int has_total;
    rules_decimal total; /* Σ weight × score / Σ weight over the scored components, 2 decimals */
    char total_explanation[RULES_EVAL_EXPLANATION];
    int has_cv;
    rules_decimal cv; /* managers: coefficient of variation (%) of the scores given */
    int band;         /* index of the bonus band of the total, -1 below the first */
    rules_decimal coefficient;
} rules_eval_result;

/*
 * Computes a form: the structure's score as given; the individual objectives as the
 * mean of the measured participations weighted by percent × months/12 × part_time/100
 * (own_score when there is no participation); behaviours as Σ weight × rating /
 * scale maximum / 100 (every behaviour rated, each rating one of its scale's levels);
 * for managers the differentiation as min(100, 100 × CV / cv_target) where CV is the
 * population coefficient of variation (%) of the scores given (at least 2 needed).
 * A component without a score leaves both the weighted sum and the sum of weights
 * (like a non-assessable indicator) and makes the form incomplete. Returns 0, or -1
 * with err on bad input: a scheme that fails rules_eval_scheme_check ("scheme"), a rating
 * outside the scale ("ratings[2]"), more ratings than
 * behaviours, a percentage or score outside 0..100, months outside 0..12. Pure,
 * reentrant, allocation-free; exact (128-bit integer intermediates).
 */
int rules_eval_form(const rules_eval_scheme *s, const rules_eval_input *in, rules_eval_result *out, rules_error *err);

/* The bonus band of score (index into s->band, -1 below the first) and its coefficient. */
int rules_eval_band_of(const rules_eval_scheme *s, rules_decimal score, rules_decimal *coefficient);

/* One person in a bonus distribution. */
typedef struct rules_bonus_input {
    rules_decimal score;     /* the final evaluation score, 0..100 */
    int months;              /* months of service in the year, 0..12 */
    rules_decimal part_time; /* % of full time, 0..100 */
    int64_t tiebreak;        /* equal scores: the lower key ranks first (e.g. the person's id) */
} rules_bonus_input;

typedef struct rules_bonus_output {
    int band; /* -1: below the first band, no bonus */
    rules_decimal coefficient;
    int eligible;          /* coefficient > 0 and some service */
    int rank;              /* 1 = best evaluated (score desc, tiebreak asc) */
    int premium;           /* 1: gets the art. 69/81 premium */
    int64_t base_cents;    /* share of the fund by points */
    int64_t premium_cents; /* the premium (0 or the result's premium_cents) */
    int64_t bonus_cents;   /* base + premium */
    char explanation[RULES_EVAL_EXPLANATION];
} rules_bonus_output;

typedef struct rules_bonus_result {
    int64_t fund_cents;
    int64_t distributed_cents;
    int64_t remainder_cents; /* fund - distributed: > 0 when nobody (or, without
                                   redistribution, not everybody) may take it */
    int n_people, n_eligible, n_premium;
    int64_t average_cents; /* fund / eligible people (the average individual bonus) */
    int64_t premium_cents; /* per premium person: ceil(increase% × average) */
    int64_t points_total;  /* Σ points (coefficient × months × part-time, in 1e-4·1e-4 units) */
    char explanation[RULES_EVAL_EXPLANATION];
} rules_bonus_result;

/*
 * Distributes fund_cents among n people evaluated with scheme s (its bands and premium).
 * Each eligible person earns points = coefficient × months/12 × part_time/100. The best
 * evaluated, at most floor(n_eligible × premium_share / 100) of them (ranked by score
 * descending, then tiebreak ascending: ties at the cut-off go to the lower key), get a
 * premium of ceil(premium_increase% × fund / n_eligible) each (CCNL Funzioni Locali
 * 2019-21 art. 81, formerly art. 69: a supplement of at least 30% of the average
 * individual bonus); the rest of the fund is shared by points. redistribute = 1 shares
 * the whole rest among the eligible by largest remainder, so the total is exact to the
 * cent (ties of remainders: higher score, then lower tiebreak); redistribute = 0 values
 * a point as if every evaluated person were full time, full year and in the top band, rounds
 * each share down to the cent and reports what is left (part-time, partial years and lower
 * bands become savings). scratch: caller-owned, at least n ints. Returns 0, or -1 with
 * err: a scheme that fails rules_eval_scheme_check ("scheme"), fund < 0 ("fund"), a score,
 * months or part-time out of range ("people[i].score"),
 * premiums that exceed the fund, n > 1,000,000. Pure, allocation-free, O(n log n).
 */
int rules_bonus_distribute(const rules_eval_scheme *s, int64_t fund_cents, int redistribute, const rules_bonus_input *in,
                           rules_bonus_output *out, size_t n, int *scratch, rules_bonus_result *res, rules_error *err);

/* ------------------------------------------------------------------------- */
/* The life of an evaluation form (issue 10): a pure transition table.        */
/* ------------------------------------------------------------------------- */

/* The statuses of a form: draft → signed → accepted | contested → conciliated. */
typedef enum rules_form_status {
    RULES_FORM_DRAFT = 0,
    RULES_FORM_SIGNED = 1,
    RULES_FORM_ACCEPTED = 2,
    RULES_FORM_CONTESTED = 3,
    RULES_FORM_CONCILIATED = 4,
    RULES_FORM_STATUSES = 5
} rules_form_status;

/* What can be done to a stored form. */
typedef enum rules_form_action {
    RULES_FORM_UPDATE = 0,     /* the evaluator rates, HR sets months and part-time: a draft stays one */
    RULES_FORM_SIGN = 1,       /* the evaluator signs a draft */
    RULES_FORM_ACCEPT = 2,     /* the person accepts a signed form */
    RULES_FORM_CONTEST = 3,    /* the person contests a signed form */
    RULES_FORM_CONCILIATE = 4, /* admin, HR or the Nucleo settle a contested form */
    RULES_FORM_ACTIONS = 5
} rules_form_action;

/* The API's names: "draft", "signed", ... ("?" out of range). Static text. */
const char *rules_form_status_name(rules_form_status s);
/* The status named name (NULL or unknown: -1). Returns 0 with *out, or -1. */
int rules_form_status_parse(const char *name, rules_form_status *out);
/* The action's name as the audit log records it: "update", "sign", "accept", "contest",
 * "conciliate" ("?" out of range). Static text. */
const char *rules_form_action_name(rules_form_action a);
/* What a refusal says the action does to a form: "changed", "signed", "accepted",
 * "contested", "conciliated". Static text. */
const char *rules_form_action_done(rules_form_action a);
/* The status action a needs (each action is allowed from one status only). */
rules_form_status rules_form_action_from(rules_form_action a);

/*
 * The transition table: the status a form in status from gets by action a. Returns 0 with
 * *to, or -1 when the table refuses it (then *to is left alone; rules_form_action_from
 * names the status the action needs). Pure, reentrant, allocation-free.
 */
int rules_form_transition(rules_form_status from, rules_form_action a, rules_form_status *to);

/* Whether a form in status s is final for the bonus (1: signed, accepted, conciliated), or
 * waits for an action first (0: a draft waits to be signed, a contested form to be conciliated). */
int rules_form_is_final(rules_form_status s);

/* ------------------------------------------------------------------------- */
/* Monitoring periods (issue 14): who may enter a figure dated as_of.         */
/* ------------------------------------------------------------------------- */

/* A plan's monitoring state: validated by the Nucleo, and closed up to the date of its
 * latest review (30/06 intermediate, 31/12 final). */
typedef struct rules_period {
    int validated;
    int has_closed;
    rules_date closed_through;
} rules_period;

typedef enum rules_entry_verdict {
    RULES_ENTRY_OPEN = 0,      /* the period is open: an ordinary entry */
    RULES_ENTRY_CORRECTION,    /* the evaluator corrects a closed period: kept beside the original */
    RULES_ENTRY_VALIDATED,     /* the plan is validated: no one changes its figures */
    RULES_ENTRY_PERIOD_CLOSED, /* dated in a closed period and not from the evaluator */
    RULES_ENTRY_OWN_SCORE,     /* a closed period's entry that counts towards the writer's own score */
    RULES_ENTRY_REASON_MISSING /* an evaluator's correction without its reason */
} rules_entry_verdict;

/*
 * Whether an entry (measurement, phase progress) dated as_of may be written into plan p:
 * by the evaluator (evaluator = 1) or anyone else; own = 1 when the entry counts towards
 * the writer's own score (the objective is assigned to the writer's person or to a
 * structure they lead); has_reason = 1 when the entry carries a correction reason.
 * In order: a validated plan refuses everything; an entry after closed_through is open;
 * in a closed period only the evaluator writes, never into their own score, and always
 * with a reason. Pure, O(1).
 */
rules_entry_verdict rules_entry_gate(const rules_period *p, rules_date as_of, int evaluator, int own, int has_reason);
/* A stable code for v ("open", "correction", "plan_validated", "period_closed",
 * "own_score", "reason_required"). */
const char *rules_entry_verdict_code(rules_entry_verdict v);
/* end of monitoring periods */

/* ------------------------------------------------------------------------- */
/* The cycle's calendar and public figures (issue 20).                       */
/* ------------------------------------------------------------------------- */

/* d plus n days (n may be negative). d must be valid; the result is clamped to 0001..9999. */
rules_date rules_date_add_days(rules_date d, int32_t n);

/* The legal deadlines of a year's cycle. */
typedef enum rules_deadline_kind {
    RULES_DEADLINE_PIANO = 0,   /* Piano / PIAO of year Y adopted by 31/01/Y (D.Lgs. 150/2009 art. 10
                                   c. 1 a; DL 80/2021 art. 6), or 30 days after a deferred budget
                                   (DM 132/2022 art. 8 c. 2) */
    RULES_DEADLINE_RELAZIONE,   /* the Relazione on year Y by 30/06/Y+1 (art. 10 c. 1 b) */
    RULES_DEADLINE_VALIDATION,  /* its validation by the Nucleo, by the same date (art. 10 c. 1 b,
                                   art. 14 c. 4 c) */
    RULES_DEADLINE_PUBLICATION, /* the premiums of year Y published (D.Lgs. 33/2013 art. 20): the law
                                   says promptly; Ciclo's date is 31/12/Y+1, the end of the year the
                                   premiums are paid in */
    RULES_DEADLINE_KINDS
} rules_deadline_kind;

/* The due date of kind for the cycle of `year` (1..9998). budget_approved: the date the year's
 * budget was approved, or NULL; it moves the Piano's date only when 30 days after it fall after
 * 31/01. Returns 0, or -1 with err for a year out of range or an invalid budget date. */
int rules_legal_deadline(rules_deadline_kind kind, int year, const rules_date *budget_approved, rules_date *due,
                         rules_error *err);
/* A stable code ("piano_adoption", "relazione", "relazione_validation", "premiums_publication") and the
 * law that sets the date, for kind; "" for a kind out of range. Static strings. */
const char *rules_deadline_code(rules_deadline_kind kind);
const char *rules_deadline_law(rules_deadline_kind kind);

typedef enum rules_deadline_state {
    RULES_DEADLINE_DUE = 0, /* not done, and today is on or before the date */
    RULES_DEADLINE_LATE,    /* not done, and the date has passed */
    RULES_DEADLINE_DONE     /* done (on time or not: compare done_on with the date) */
} rules_deadline_state;

/* The state on `today` of something due on `due` and done on *done_on (NULL: not done). All
 * dates must be valid. *on_time (may be NULL) is 1 when done on or before due, else 0. */
rules_deadline_state rules_deadline_state_of(rules_date due, const rules_date *done_on, rules_date today, int *on_time);
/* "due", "late", "done". */
const char *rules_deadline_state_code(rules_deadline_state s);

/* The payment-timeliness share of a manager's result bonus (DL 13/2023 art. 4-bis): the weight
 * of their payment-timeliness objectives over the weight of all their objectives, in percent
 * rounded to 2 decimals; *met is 1 when it is at least 30. Returns 0, or -1 with err when total
 * is not positive or payment is negative or above total. */
int rules_payment_share(rules_decimal payment, rules_decimal total, rules_decimal *share, int *met, rules_error *err);

/* Spread of amounts for the degree of differentiation of premiums (D.Lgs. 33/2013 art. 20):
 * mean, population standard deviation and coefficient of variation (100 × σ / μ, 0 when the
 * mean is 0), each rounded to 2 decimals, over n amounts in cents (0 <= n <= 1,000,000, each
 * 0..9e13 cents). Returns 0, or -1 with err for n == 0 or an amount out of range. Exact
 * (128-bit sums). */
typedef struct rules_spread {
    rules_decimal mean, stdev, cv, min, max; /* in the unit of the input divided by 100 (euro) */
} rules_spread;
int rules_spread_of(const int64_t *cents, size_t n, rules_spread *out, rules_error *err);
/* end of the cycle's calendar and public figures */

/* ------------------------------------------------------------------------- */
/* The PIAO (DL 80/2021 art. 6; DM 132/2022): what each form must contain.   */
/* ------------------------------------------------------------------------- */

typedef enum rules_piao_section {
    RULES_PIAO_PERFORMANCE = 0, /* 2.2, the default section of an objective */
    RULES_PIAO_VALUE,           /* 2.1 valore pubblico */
    RULES_PIAO_ANTICORRUPTION,  /* 2.3 rischi corruttivi e trasparenza */
    RULES_PIAO_ORGANISATION,    /* 3 organizzazione e capitale umano */
    RULES_PIAO_SECTIONS
} rules_piao_section;

/* One objective of a PIAO as the checker needs it. code is borrowed. */
typedef struct rules_piao_objective {
    const char *code;
    rules_piao_section section;
    int has_risk_process, has_risk_level; /* anticorruption: the process at risk and the risk's level */
    int indicators;                       /* live indicators */
    int indicators_without_baseline;
    int indicators_without_all_targets; /* lacking a target for one of the plan's three years */
    const char *first_lacking;          /* the code of the first indicator lacking either, or NULL */
} rules_piao_objective;

/* The figures of section 3 (plans.organisation) the checker looks for. */
#define RULES_PIAO_ORG_KEYS 4
extern const char *const rules_piao_org_keys[RULES_PIAO_ORG_KEYS]; /* "struttura_organizzativa", "lavoro_agile",
                                                                      "fabbisogni_personale", "formazione" */

typedef struct rules_piao {
    int year;        /* the first of its three years */
    int staff_count; /* the entity's staff; -1 when not known */
    int has_org[RULES_PIAO_ORG_KEYS];
    const rules_piao_objective *objectives;
    size_t n_objectives;
} rules_piao;

/*
 * Checks a PIAO against its form: the full one, or the simplified one of an entity under 50 staff
 * (DM 132/2022 art. 6), which needs only section 2.3 and the organisation, staffing and remote-work
 * figures of section 3. Findings: piao_staff_count_unknown (warning: the full form is assumed),
 * piao_section_missing ("sections.valore_pubblico" ...), piao_value_indicator_incomplete (an
 * indicator of public value without a baseline or a target for each of the three years),
 * piao_risk_incomplete (a measure without its process or its risk's level),
 * piao_measure_unmeasured (warning: a measure with no indicator), piao_organisation_missing
 * ("organisation.lavoro_agile"). Returns the number of errors; findings go to out (up to cap; more
 * are counted in *n_found). Pure, allocation-free.
 */
int rules_piao_check(const rules_piao *piao, rules_finding *out, size_t cap, size_t *n_found);
/* end of the PIAO */

#endif

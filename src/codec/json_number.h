/*
 * json_number.h — decimal numbers through jansson, exactly (issue 23).
 *
 * jansson (2.14, as Debian ships it) parses a number with a point or an exponent into a
 * double and keeps no text; it has no flag to keep numbers as strings. A double holds every
 * decimal of at most 15 significant digits (DBL_DIG) closely enough that printing it with 15
 * significant digits ("%.15g") gives that very decimal back, and the same printing at dump
 * time (JSON_REAL_PRECISION(15)) writes it back as its shortest exact text. So the service
 * reads and writes decimals exactly by keeping every real it handles within 15 significant
 * digits:
 *   - in: json_number_check scans a request body before jansson parses it and refuses a
 *     number with more significant digits, naming its path and quoting it as written; a
 *     parsed real is then turned back into its decimal by json_number_text;
 *   - out: decimals are encoded by rule_json_decimal and every JSON text is written by
 *     rule_json_dumps (codec/rule_json.h), which prints reals with 15 significant digits.
 * Every decimal the rules library makes for an answer (money up to 10^13 with 2 decimals,
 * scores, weights, percentages, coefficients) fits in 15 significant digits.
 * Pure functions, no allocation, thread-safe.
 */
#ifndef CICLO_JSON_NUMBER_H
#define CICLO_JSON_NUMBER_H
#include <stddef.h>

/* The significant digits a real may have to pass through a double exactly. */
#define JSON_NUMBER_DIGITS 15
/* Decimal exponent below which a double is not normal (denormals lose digits). */
#define JSON_NUMBER_MAX_EXP 300

/*
 * Splits the JSON number lexeme s[0..n) ("-12.50", "1.5e-3") into its sign, its significant
 * digits without leading or trailing zeros (written into digits, cut to cap - 1 characters,
 * "" for zero) and *exp10, the power of ten of the last digit: "-12.50" → "125", -1, *neg 1.
 * Returns the number of significant digits (0 for zero), which may exceed cap - 1; -1 when
 * s is not a JSON number.
 */
int json_number_digits(const char *s, size_t n, char *digits, size_t cap, long *exp10, int *neg);

enum json_number_fault { JSON_NUMBERS_EXACT = 0, JSON_NUMBER_TOO_PRECISE, JSON_NUMBER_OUT_OF_RANGE };

/*
 * Scans the JSON text s[0..n) (need not be NUL-terminated) for a real (a number with a point
 * or an exponent) that a double cannot carry exactly: more than JSON_NUMBER_DIGITS
 * significant digits (JSON_NUMBER_TOO_PRECISE), or a magnitude below 10^-JSON_NUMBER_MAX_EXP
 * (JSON_NUMBER_OUT_OF_RANGE; a number too large for a double is left to jansson's overflow
 * error). Returns JSON_NUMBERS_EXACT when there is none (malformed text
 * passes: the decoder reports it), else the fault of the first such number, with its JSON
 * path in path ("weights.structure", "people[3].fund", "" for the root; keys as written) and
 * its text as written in lexeme (cut to fit, with "…").
 */
enum json_number_fault json_number_check(const char *s, size_t n, char *path, size_t path_cap, char *lexeme,
                                         size_t lexeme_cap);

/*
 * Writes into buf the decimal that the double d was parsed from, when that decimal had at
 * most JSON_NUMBER_DIGITS significant digits: its shortest text ("123456.78", "1e-05").
 * Returns buf.
 */
char *json_number_text(double d, char buf[32]);

#endif

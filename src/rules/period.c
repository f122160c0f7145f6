/* period.c — monitoring periods: who may enter a figure into a plan whose periods close
 * with its reviews and whose figures freeze with its validation (rules.h). */
#include "rules.h"

rules_entry_verdict rules_entry_gate(const rules_period *p, rules_date as_of, int evaluator, int own, int has_reason)
{
    if (p->validated)
        return RULES_ENTRY_VALIDATED;
    if (!p->has_closed || rules_date_compare(as_of, p->closed_through) > 0)
        return RULES_ENTRY_OPEN;
    if (!evaluator)
        return RULES_ENTRY_PERIOD_CLOSED;
    if (own)
        return RULES_ENTRY_OWN_SCORE;
    return has_reason ? RULES_ENTRY_CORRECTION : RULES_ENTRY_REASON_MISSING;
}

const char *rules_entry_verdict_code(rules_entry_verdict v)
{
    switch (v) {
    case RULES_ENTRY_OPEN: return "open";
    case RULES_ENTRY_CORRECTION: return "correction";
    case RULES_ENTRY_VALIDATED: return "plan_validated";
    case RULES_ENTRY_PERIOD_CLOSED: return "period_closed";
    case RULES_ENTRY_OWN_SCORE: return "own_score";
    case RULES_ENTRY_REASON_MISSING: return "reason_required";
    }
    return "period_closed";
}

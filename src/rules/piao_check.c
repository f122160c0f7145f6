/* piao_check.c — what a PIAO must contain, by form (include/rules.h "The PIAO"). */
#include "internal.h"

const char *const rules_piao_org_keys[RULES_PIAO_ORG_KEYS] = {"struttura_organizzativa", "lavoro_agile",
                                                              "fabbisogni_personale", "formazione"};

static const char *const section_name[RULES_PIAO_SECTIONS] = {"performance", "valore_pubblico", "anticorruzione",
                                                              "organizzazione"};
static const char *const section_title[RULES_PIAO_SECTIONS] = {"2.2 Performance", "2.1 Valore pubblico",
                                                               "2.3 Rischi corruttivi e trasparenza",
                                                               "3 Organizzazione e capitale umano"};

#define SIMPLIFIED_BELOW 50 /* staff: DM 132/2022 art. 6 */

int rules_piao_check(const rules_piao *piao, rules_finding *out, size_t cap, size_t *n_found)
{
    findings f = {out, cap, 0, 0};
    int simplified = piao->staff_count >= 0 && piao->staff_count < SIMPLIFIED_BELOW;
    if (piao->staff_count < 0)
        fnd_add(&f, RULES_SEVERITY_WARNING, "piao_staff_count_unknown", "entity.staff_count",
                "the entity's staff count is not known: the PIAO is checked as the full form (under %d staff the "
                "simplified form of DM 132/2022 art. 6 applies)",
                SIMPLIFIED_BELOW);
    int count[RULES_PIAO_SECTIONS] = {0};
    for (size_t i = 0; i < piao->n_objectives; i++) {
        const rules_piao_objective *o = &piao->objectives[i];
        if (o->section >= 0 && o->section < RULES_PIAO_SECTIONS)
            count[o->section]++;
        char path[128];
        if (o->section == RULES_PIAO_VALUE && !simplified && o->first_lacking) {
            pfmt(path, sizeof path, "objectives[%s].indicators[%s]", o->code, o->first_lacking);
            fnd_add(&f, RULES_SEVERITY_ERROR, "piao_value_indicator_incomplete", path,
                    "%d of the %d indicators of public value %s lack a baseline or a target for each year %d-%d",
                    o->indicators_without_baseline > o->indicators_without_all_targets
                        ? o->indicators_without_baseline
                        : o->indicators_without_all_targets,
                    o->indicators, o->code, piao->year, piao->year + 2);
        }
        if (o->section == RULES_PIAO_ANTICORRUPTION) {
            if (!o->has_risk_process || !o->has_risk_level) {
                pfmt(path, sizeof path, "objectives[%s].%s", o->code,
                     o->has_risk_process ? "risk_level" : "risk_process");
                fnd_add(&f, RULES_SEVERITY_ERROR, "piao_risk_incomplete", path, "the measure %s does not say %s", o->code,
                        o->has_risk_process ? "the level of the risk it treats" : "which process at risk it treats");
            }
            if (o->indicators == 0) {
                pfmt(path, sizeof path, "objectives[%s].indicators", o->code);
                fnd_add(&f, RULES_SEVERITY_WARNING, "piao_measure_unmeasured", path,
                        "the measure %s has no indicator: it cannot be scored", o->code);
            }
        }
    }
    static const rules_piao_section full_needs[] = {RULES_PIAO_VALUE, RULES_PIAO_PERFORMANCE, RULES_PIAO_ANTICORRUPTION};
    for (size_t k = 0; k < sizeof full_needs / sizeof full_needs[0]; k++) {
        rules_piao_section s = full_needs[k];
        if (count[s] || (simplified && s != RULES_PIAO_ANTICORRUPTION))
            continue;
        char path[64];
        pfmt(path, sizeof path, "sections.%s", section_name[s]);
        fnd_add(&f, RULES_SEVERITY_ERROR, "piao_section_missing", path, "the %sPIAO has no objective in section %s",
                simplified ? "simplified " : "", section_title[s]);
    }
    for (int k = 0; k < RULES_PIAO_ORG_KEYS; k++) {
        /* the simplified form asks for the organisation, remote work and staffing, not training */
        if (piao->has_org[k] || (simplified && k == 3))
            continue;
        char path[64];
        pfmt(path, sizeof path, "organisation.%s", rules_piao_org_keys[k]);
        fnd_add(&f, RULES_SEVERITY_ERROR, "piao_organisation_missing", path, "section %s lacks %s",
                section_title[RULES_PIAO_ORGANISATION], rules_piao_org_keys[k]);
    }
    *n_found = f.count;
    return f.errors;
}

/* init.c — store_init: the one place that registers the store's statements (init.h). */
#include "store/init.h"

#include "store/calendar.h"
#include "store/crud.h"
#include "store/erp.h"
#include "store/evaluation.h"
#include "store/idempotency.h"
#include "store/import.h"
#include "store/monitoring.h"
#include "store/oidc.h"
#include "store/payments.h"
#include "store/periods.h"
#include "store/piao.h"
#include "store/report.h"
#include "store/revision_validation.h"
#include "store/rollover.h"
#include "store/transparency.h"
#include "store/webhooks.h"

int store_init(void)
{
    /* crud registers the plan lifecycle's, monitoring the plan rows' and checks' */
    int (*const each[])(void) = {
        store_crud_register,       store_monitoring_register,
        store_periods_register,    store_import_register,
        store_erp_register,        store_idem_register,
        store_evaluation_register, store_calendar_register,
        store_payments_register,   store_transparency_register,
        store_oidc_register,       store_report_register,
        store_webhooks_register,   store_revision_validation_register,
        store_rollover_register,   store_piao_register,
    };
    for (size_t i = 0; i < sizeof each / sizeof each[0]; i++)
        if (each[i]() < 0)
            return -1;
    return 0;
}

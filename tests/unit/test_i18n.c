/* test_i18n.c — the message catalogue (codec/i18n.h): English stays, Italian when asked, the
 * arguments carried over (translated in turn), unknown messages left as they are. */
#include <string.h>

#include "codec/i18n.h"
#include "core/problem.h"
#include "suites.h"

static const char *it(const char *en)
{
    static char out[1024];
    i18n_text(en, I18N_IT, out, sizeof out);
    return out;
}

START_TEST(languages)
{
    ck_assert_int_eq(i18n_lang_of(NULL), I18N_EN);
    ck_assert_int_eq(i18n_lang_of("it"), I18N_IT);
    ck_assert_int_eq(i18n_lang_of("it-IT,it;q=0.9,en;q=0.8"), I18N_IT);
    ck_assert_int_eq(i18n_lang_of("en-GB,it;q=0.5"), I18N_EN);
    ck_assert_int_eq(i18n_lang_of("fr"), I18N_EN);
    ck_assert_str_eq(i18n_title(422, I18N_IT), "Contenuto non elaborabile");
    ck_assert_str_eq(i18n_title(422, I18N_EN), "Unprocessable Content");
    ck_assert_str_eq(i18n_title(404, I18N_IT), "Non trovato");
    ck_assert_str_eq(i18n_title(505, I18N_IT), "Versione HTTP non supportata");
    ck_assert_str_eq(i18n_title(505, I18N_EN), "HTTP Version Not Supported");
    ck_assert_str_eq(i18n_title(431, I18N_EN), problem_title(431));
    ck_assert_str_eq(i18n_title(418, I18N_IT), "Errore del client");
}
END_TEST

START_TEST(messages)
{
    char out[256];
    /* English asked: the text as it is, no id */
    ck_assert_ptr_null(i18n_text("is required", I18N_EN, out, sizeof out));
    ck_assert_str_eq(out, "is required");
    ck_assert_str_eq(i18n_text("is required", I18N_IT, out, sizeof out), "field.required");
    ck_assert_str_eq(out, "è obbligatorio");
    ck_assert_str_eq(it("must be between 0 and 1000"), "deve essere compreso tra 0 e 1000");
    /* arguments, translated in turn */
    ck_assert_str_eq(it("the deadline of phase 2 of objective SIS-01 is not a date"),
                     "la scadenza di fase 2 dell'obiettivo SIS-01 non è una data");
    ck_assert_str_eq(it("2024-06-31 is not a date: June has 30 days: use 2024-06-30 for the last day of June"),
                     "2024-06-31 non è una data: giugno ha 30 giorni: usare 2024-06-30 per l'ultimo giorno di giugno");
    ck_assert_str_eq(it("structure S1 names no manager: nobody answers for its objectives"),
                     "la struttura S1 non indica un responsabile: nessuno risponde dei suoi obiettivi");
    ck_assert_str_eq(it("structure S1 names no manager"), "la struttura S1 non indica un responsabile");
    ck_assert_str_eq(
        it("payment-timeliness objectives weigh 20 of 100 for D1: DL 13/2023 art. 4-bis requires at least 30%"),
        "gli obiettivi di tempestività dei pagamenti pesano 20 su 100 per D1: il DL 13/2023 art. 4-bis "
        "chiede almeno il 30%");
    /* the server's own 503s (http/server.c) */
    ck_assert_str_eq(it("the server is running as many heavy requests as it may; try again"),
                     "il server sta già eseguendo tutte le richieste pesanti che può; riprovare");
    ck_assert_str_eq(it("your heavy requests hold as many places of the queue as one caller may; try again"),
                     "le sue richieste pesanti occupano già tutti i posti della coda concessi a un chiamante; riprovare");
    ck_assert_str_eq(it("the server is stopping; try again"), "il server si sta arrestando; riprovare");
    ck_assert_str_eq(it("the server is reading as many request bodies as it may; try again"),
                     "il server sta già leggendo tutti i corpi di richiesta che può; riprovare");
    /* unknown: left as it is */
    ck_assert_ptr_null(i18n_text("something new happened", I18N_IT, out, sizeof out));
    ck_assert_str_eq(out, "something new happened");
    /* a text built to make the matcher backtrack, or split without end, is left as it is, fast */
    static char hostile[1000];
    for (size_t i = 0; i + 2 < sizeof hostile; i += 2)
        memcpy(hostile + i, i % 4 ? ": " : "; ", 2);
    hostile[sizeof hostile - 1] = '\0';
    i18n_text(hostile, I18N_IT, out, sizeof out);
    char many[600];
    memset(many, 'x', sizeof many - 1);
    many[sizeof many - 1] = '\0';
    memcpy(many, "the target of ", 14);
    i18n_text(many, I18N_IT, out, sizeof out);
    /* cut at a character boundary */
    i18n_text("is required", I18N_IT, out, 3);
    ck_assert_str_eq(out, "\xc3\xa8");
}
END_TEST

Suite *i18n_suite(void)
{
    Suite *s = suite_create("i18n");
    TCase *t = tcase_create("catalogue");
    tcase_add_test(t, languages);
    tcase_add_test(t, messages);
    suite_add_tcase(s, t);
    return s;
}

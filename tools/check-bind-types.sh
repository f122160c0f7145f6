#!/bin/sh
# check-bind-types.sh — store/stmt.h's parameter constructors (SA_TEXT, SA_I64, ...) are
# checked by the compiler: a value of the wrong type must not build. Compiles a correct
# snippet (which must build) and one snippet per wrong value (each must fail), with the
# project's flags. Usage: sh tools/check-bind-types.sh "$(CC)" "$(CFLAGS) $(PKG_CFLAGS)"
cc=${1:-cc}
flags=${2:--std=c11 -Wall -Wextra -Werror -Iinclude -Isrc -I/usr/include/postgresql}
fail=0

try() { # $1: the statement under test; prints 0 when it compiles
    printf '#include "store/stmt.h"\nvoid f(const store_actor *who, const char *t, int64_t n, int k, problem *pr);\n%s\n' \
        "void f(const store_actor *who, const char *t, int64_t n, int k, problem *pr) { (void)pr; $1 }" |
        $cc $flags -fsyntax-only -x c - >/dev/null 2>&1
    echo $?
}

good='store_args *a = STORE_ARGS(SA_SCOPE_ACTOR(t, who), SA_I64(n), SA_I64(k), SA_TEXT(t), SA_BOOL(k), SA_LINK(n), SA_VERSION(n), SA_NULL, SA_ACTOR(who)); (void)STORE_BIND(a, SA_TEXT(NULL)); (void)STORE_NO_ARGS;'
if [ "$(try "$good")" != 0 ]; then
    echo "check-bind-types: the correct snippet does not compile:" >&2
    echo "$good" >&2
    fail=1
fi

for bad in \
    '(void)STORE_ARGS(SA_I64(t));' \
    '(void)STORE_ARGS(SA_TEXT(n));' \
    '(void)STORE_ARGS(SA_TEXT(k));' \
    '(void)STORE_ARGS(SA_ACTOR(t));' \
    '(void)STORE_ARGS(SA_ACTOR(pr));' \
    '(void)STORE_ARGS(SA_SCOPE_ACTOR(n, who));' \
    '(void)STORE_ARGS(SA_SCOPE_ACTOR(t, t));' \
    '(void)STORE_ARGS(SA_LINK(t));' \
    '(void)STORE_ARGS(SA_VERSION(who));' \
    '(void)STORE_ARGS(SA_BOOL(t));' \
    '(void)STORE_ARGS(t, n);' \
    '(void)STORE_ARGS("si", t, n);'; do
    if [ "$(try "$bad")" = 0 ]; then
        echo "check-bind-types: compiles but must not: $bad" >&2
        fail=1
    fi
done
[ $fail = 0 ] && echo "check-bind-types: ok"
exit $fail

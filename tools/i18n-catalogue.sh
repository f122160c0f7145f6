#!/bin/sh
# i18n-catalogue.sh OUT TSV — the message catalogue (src/codec/i18n_catalogue.tsv) as the rows of
# a C table of {id, en, it}, which codec/i18n.c includes. Fails, naming the line, when a line has
# not three fields or an id comes twice.
set -eu
out=$1; tsv=$2
awk -F '\t' -v tsv="$tsv" '
function lit(s,    r, i, ch) {
    r = ""
    for (i = 1; i <= length(s); i++) {
        ch = substr(s, i, 1)
        if (ch == "\\" || ch == "\"")
            r = r "\\"
        r = r ch
    }
    return "\"" r "\""
}
BEGIN { print "/* Generated from " tsv " by tools/i18n-catalogue.sh: do not edit. */" }
/^#/ || /^$/ { next }
NF != 3 || $1 == "" || $2 == "" || $3 == "" {
    printf "%s:%d: want an id, the English and the Italian text, separated by tabs\n", tsv, NR > "/dev/stderr"
    exit 1
}
$1 in seen {
    printf "%s:%d: the id %s again (first on line %d)\n", tsv, NR, $1, seen[$1] > "/dev/stderr"
    exit 1
}
{
    seen[$1] = NR
    printf "{%s, %s, %s},\n", lit($1), lit($2), lit($3)
}
' "$tsv" > "$out.tmp" || { rm -f "$out.tmp"; exit 1; }
mv "$out.tmp" "$out"

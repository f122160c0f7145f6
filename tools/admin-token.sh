#!/bin/sh
# admin-token.sh FILE URL [BIN] — prints the admin token kept in FILE if the server at URL
# (running, on $DATABASE_URL) still accepts it; otherwise (no file, or a 401: the database
# was reset) mints one with `ciclo token create --role admin` and keeps it in FILE, mode 0600
# (readable by its owner only). `make run` shows the same token on every run this way.
set -eu
file=$1; url=$2; BIN=${3:-build/ciclo}
if [ -s "$file" ]; then
  token=$(head -n 1 "$file")
  # the header goes through stdin, so the secret never shows in the process list
  code=$(printf 'Authorization: Bearer %s\n' "$token" |
         curl -s -o /dev/null -w '%{http_code}' -H @- "$url/v1/entities") || code=000
  case $code in
  200) chmod 600 "$file"; printf '%s\n' "$token"; exit 0 ;;
  401) echo "the admin token kept in $file is no longer valid (database reset?): minting a new one" >&2 ;;
  *) echo "admin-token.sh: cannot check the token kept in $file at $url (HTTP $code)" >&2; exit 1 ;;
  esac
fi
token=$("$BIN" token create --role admin --name "make run" | tail -n 1)
mkdir -p "$(dirname "$file")"
tmp="$file.tmp.$$"
(umask 077 && printf '%s\n' "$token" >"$tmp")
chmod 600 "$tmp"
mv "$tmp" "$file"
printf '%s\n' "$token"

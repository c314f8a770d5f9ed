#!/usr/bin/env bash
# Extract the default theme's interface strings into messages.pot and merge them into each language's
# catalog (fr, es, pt). New strings arrive empty; tests/test_i18n.py fails until they are translated.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
LOCALE=themes/default/locale
"$PYBABEL" -q extract -F babel.cfg --no-location --sort-output --no-wrap \
  --project "City Practice Repository" --copyright-holder "City Practice Repository contributors" \
  --msgid-bugs-address "" -o "$LOCALE/messages.pot" .
for lang in fr es pt; do
  if [ -f "$LOCALE/$lang/LC_MESSAGES/messages.po" ]; then
    "$PYBABEL" -q update -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang" --no-wrap --ignore-obsolete --no-fuzzy-matching
  else
    "$PYBABEL" -q init -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang" --no-wrap
  fi
done

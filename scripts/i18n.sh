#!/usr/bin/env bash
# Translations of the ckanext-hautegaronne domain.
#   i18n.sh extract   update i18n/ckanext-hautegaronne.pot and merge it into fr and en
#   i18n.sh compile   compile the .po files into the .mo files the wheel ships
set -euo pipefail
source "$(dirname "$0")/lib.sh"
I18N="$HG_ROOT/ckanext/hautegaronne/i18n"
DOMAIN=ckanext-hautegaronne
PYBABEL="$HG_VENV/bin/pybabel"
cd "$HG_ROOT"

extract() {
  "$PYBABEL" extract -F babel.cfg --no-location --sort-output --omit-header \
    -k _ -k gettext -k ngettext:1,2 -k N_ -k ungettext:1,2 -k tk._ \
    -o "$I18N/$DOMAIN.pot" ckanext/hautegaronne
  for lang in fr en; do
    po="$I18N/$lang/LC_MESSAGES/$DOMAIN.po"
    if [ -f "$po" ]; then
      "$PYBABEL" update -D "$DOMAIN" -i "$I18N/$DOMAIN.pot" -d "$I18N" -l "$lang" --no-fuzzy-matching --ignore-obsolete >/dev/null
    else
      "$PYBABEL" init -D "$DOMAIN" -i "$I18N/$DOMAIN.pot" -d "$I18N" -l "$lang" >/dev/null
    fi
  done
}

compile() {
  "$PYBABEL" compile -D "$DOMAIN" -d "$I18N" --statistics
}

case "${1:-all}" in
  extract) extract ;;
  compile) compile ;;
  all) extract; compile ;;
  *) echo "usage: $0 extract|compile|all" >&2; exit 2 ;;
esac

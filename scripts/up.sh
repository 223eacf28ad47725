#!/usr/bin/env bash
# `make up`: install what is missing, start the services, prepare CKAN and
# serve the portal with gunicorn. Safe to re-run: data under var/ are kept.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
started=$(date +%s)

bash "$HG_ROOT/scripts/install.sh"

CKAN="$HG_VENV/bin/ckan -c $HG_ROOT/ckan.ini"
"$HG_VENV/bin/python" "$HG_ROOT/scripts/configure.py"
set -a; source "$HG_VAR/secrets.env"; set +a

bash "$HG_ROOT/scripts/postgres.sh" start
bash "$HG_ROOT/scripts/redis.sh" start
bash "$HG_ROOT/scripts/solr.sh" setup
bash "$HG_ROOT/scripts/solr.sh" start

# Database: a failed first initialisation leaves no half-built database behind.
fresh_db=0
if ! PGPASSWORD="$HG_DB_PASSWORD" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U ckan -d ckan -qtA \
     -c "SELECT 1 FROM information_schema.tables WHERE table_name = 'package'" 2>/dev/null | grep -q 1; then
  fresh_db=1
fi
bash "$HG_ROOT/scripts/postgres.sh" createdb ckan "$HG_DB_PASSWORD"
provision_datastore datastore "$HG_ROOT/ckan.ini"
say "CKAN: database migrations"
if ! $CKAN db init >"$HG_LOG/ckan-db-init.log" 2>&1; then
  [ "$fresh_db" = 1 ] && bash "$HG_ROOT/scripts/postgres.sh" dropdb ckan
  die "CKAN: database initialisation failed; see $HG_LOG/ckan-db-init.log"
fi

# Administrator and demo content (both idempotent).
if ! $CKAN user show admin 2>/dev/null | grep -q "name=admin"; then
  $CKAN user add admin email=admin@example.invalid password="$HG_ADMIN_PASSWORD" \
    fullname="Administrateur du portail" >"$HG_LOG/ckan-admin.log" 2>&1 \
    || die "CKAN: could not create the administrator; see $HG_LOG/ckan-admin.log"
fi
$CKAN sysadmin add admin >>"$HG_LOG/ckan-admin.log" 2>&1 || true
# Publishers of an older portal, typed commune, epci... become CKAN organizations (idempotent).
$CKAN hautegaronne publishers migrate >"$HG_LOG/ckan-publishers-migrate.log" 2>&1 \
  || die "CKAN: migrating the publishers failed; see $HG_LOG/ckan-publishers-migrate.log"
# The schema catalogue before the demo (its resources are checked against it): the live
# one, else the copy shipped with the extension when schema.data.gouv.fr is unreachable.
$CKAN hautegaronne schemas refresh --or-packaged >"$HG_LOG/ckan-schemas.log" 2>&1 \
  || die "CKAN: caching the schema catalogue failed; see $HG_LOG/ckan-schemas.log"
say "CKAN: demo content"
$CKAN hautegaronne demo --admin admin >"$HG_LOG/ckan-demo.log" 2>&1 \
  || die "CKAN: loading the demo content failed; see $HG_LOG/ckan-demo.log"
# The site user's API token for ckanext-xloader (its jobs report through the API),
# created once and kept in var/secrets.env; ckan.ini is then written again with it.
if [ -z "${HG_XLOADER_API_TOKEN:-}" ]; then
  site_user=$(sed -n 's/^ckan.site_id = //p' "$HG_ROOT/ckan.ini")
  HG_XLOADER_API_TOKEN=$($CKAN user token add "$site_user" xloader 2>>"$HG_LOG/ckan-admin.log" | tail -n 1 | tr -d '[:space:]')
  [ -n "$HG_XLOADER_API_TOKEN" ] || die "CKAN: could not create xloader's API token; see $HG_LOG/ckan-admin.log"
  echo "HG_XLOADER_API_TOKEN=$HG_XLOADER_API_TOKEN" >>"$HG_VAR/secrets.env"
  "$HG_VENV/bin/python" "$HG_ROOT/scripts/configure.py"
  # the demo's files were uploaded before the token existed: queue the loads their uploads
  # did not queue already. xloader's command counts a load already queued as an error, so its
  # status says nothing here; each load's outcome shows on its resource page.
  $CKAN xloader submit all -y >>"$HG_LOG/ckan-demo.log" 2>&1 \
    || say "CKAN: some demo loads were already queued by their upload (details: $HG_LOG/ckan-demo.log)"
fi
# Index whatever the database holds and Solr lacks (e.g. after a Solr reset).
$CKAN search-index rebuild --only-missing >"$HG_LOG/ckan-index.log" 2>&1 \
  || die "CKAN: search index rebuild failed; see $HG_LOG/ckan-index.log"

bash "$HG_ROOT/scripts/web.sh" start
# Restarted, not only started: workers left running would keep the previous code (the web
# workers above are reloaded the same way).
bash "$HG_ROOT/scripts/harvest-workers.sh" restart
bash "$HG_ROOT/scripts/jobs-worker.sh" restart

cat <<MSG

  Portail Open data Haute-Garonne : http://127.0.0.1:$CKAN_PORT
  Administrateur : admin / $HG_ADMIN_PASSWORD   (mot de passe dans var/secrets.env)
  Courriel : expéditeur $(sed -n 's/^smtp.mail_from = //p' "$HG_ROOT/ckan.ini"), serveur SMTP ${CKAN_SMTP_SERVER:-localhost:25 (défaut de CKAN)}.
    Pour en choisir un : CKAN_SMTP_SERVER=hote:port (et CKAN_SMTP_USER, CKAN_SMTP_PASSWORD,
    SMTP_MAIL_FROM) avant make up, ou smtp.* dans config/ckan.ini.in ; sans serveur, les
    formulaires de contact répondent « Votre message n'a pas pu être envoyé ».
  Adresse de contact des pages éditoriales : $(sed -n 's/^ckanext.hautegaronne.contact_email = //p' "$HG_ROOT/ckan.ini")
    Pour donner la vôtre : CONTACT_EMAIL=opendata@votre-domaine.fr make up
    (ou ckanext.hautegaronne.contact_email dans config/ckan.ini.in).
  Ready in $(( $(date +%s) - started )) s. Stop the services with: make down

MSG

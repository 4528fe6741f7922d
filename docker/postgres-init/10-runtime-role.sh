#!/bin/sh
# The application's runtime role: it logs in, owns nothing, is no superuser and creates
# neither databases nor roles. Its rights come from `manage.py db_grant_runtime`, which the
# one-shot `migrate` service runs as the owner after the migrations.
#
# PostgreSQL's image runs this once, on an empty data volume. For an existing volume run
# it by hand (safe to repeat; it also sets a changed password):
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-runtime-role.sh
set -eu
: "${SRB_APP_DB_PASSWORD:?SRB_APP_DB_PASSWORD is not set}"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-srb}" --dbname "${POSTGRES_DB:-srb}" \
  -v app_password="$SRB_APP_DB_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE srb_app' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'srb_app') \gexec
ALTER ROLE srb_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
SQL

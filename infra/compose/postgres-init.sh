#!/usr/bin/env bash
# First start of the compose Postgres: MedSweep's two roles and its database (Temporal's auto-setup creates
# the temporal and temporal_visibility databases itself). `medsweep` owns the database, its schema and the
# audit log's triggers (the migrate service connects as it); `medsweep_app` logs in and owns nothing:
# migrations grant it DML on the tables and only INSERT and SELECT on audit_events (SECURITY.md).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v password="${MEDSWEEP_DB_PASSWORD:?}" -v app_password="${MEDSWEEP_APP_DB_PASSWORD:?}" <<'SQL'
CREATE ROLE medsweep LOGIN PASSWORD :'password';
CREATE ROLE medsweep_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
CREATE DATABASE medsweep OWNER medsweep;
SQL

#!/usr/bin/env bash
# First start of the compose Postgres: MedSweep's own role and database (Temporal's auto-setup creates
# the temporal and temporal_visibility databases itself).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v password="${MEDSWEEP_DB_PASSWORD:?}" <<'SQL'
CREATE ROLE medsweep LOGIN PASSWORD :'password';
CREATE DATABASE medsweep OWNER medsweep;
SQL

-- Append-only audit log. Prisma cannot express triggers, so this migration is hand-written; the drift
-- test ignores functions and triggers, the way `prisma migrate diff` does.
--
-- Row triggers refuse UPDATE and DELETE; a statement trigger refuses TRUNCATE (which skips row triggers).
-- A correction is recorded as a new event that refers to the one it corrects.

CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    RAISE EXCEPTION 'audit_events is append-only: % of audit event seq % refused', TG_OP, OLD."seq"
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = 'Only INSERT is accepted; record a new event that corrects the earlier one.';
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'integrity_constraint_violation',
          HINT = 'Only INSERT is accepted; record a new event that corrects the earlier one.';
END;
$$;

CREATE TRIGGER "audit_events_refuse_update_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TRIGGER "audit_events_refuse_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();

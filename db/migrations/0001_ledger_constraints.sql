-- Invariants of DESIGN.md that drizzle cannot express. They, not the application, settle races.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
CREATE FUNCTION jcm_valid_units(r int8range) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT NOT isempty(r) AND NOT lower_inf(r) AND NOT upper_inf(r)
     AND lower(r) >= 1 AND upper(r) <= 9007199254740992
$$;
--> statement-breakpoint
-- 1. Issuances in one registry never overlap.
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_no_overlap" EXCLUDE USING gist ("registry" WITH =, "serials" WITH &&);
--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_units_valid" CHECK (jcm_valid_units("serials"));
--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_period_valid" CHECK ("monitoring_start" <= "monitoring_end");
--> statement-breakpoint
-- 2. Segments of one issuance never overlap (coverage is checked by tests and the audit).
ALTER TABLE "segments" ADD CONSTRAINT "segments_no_overlap" EXCLUDE USING gist ("issuance_id" WITH =, "serials" WITH &&);
--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_units_valid" CHECK (jcm_valid_units("serials"));
--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_state_refs" CHECK (
  ("state" = 'in_registry' AND "holder" IS NULL AND "claim_id" IS NULL AND "report_id" IS NULL AND "token_id" IS NULL)
  OR ("state" = 'held' AND "holder" IS NOT NULL AND "claim_id" IS NULL AND "report_id" IS NULL AND "token_id" IS NULL)
  OR ("state" = 'tokenized' AND "holder" IS NOT NULL AND "token_id" IS NOT NULL AND "claim_id" IS NULL AND "report_id" IS NULL)
  OR ("state" = 'claimed' AND "claim_id" IS NOT NULL AND "report_id" IS NULL AND "token_id" IS NULL)
  OR ("state" = 'government_used' AND "report_id" IS NOT NULL AND "holder" IS NULL AND "claim_id" IS NULL AND "token_id" IS NULL)
);
--> statement-breakpoint
-- 3. Terminal uses never overlap: a structure independent of the segments that must agree with them.
ALTER TABLE "use_ranges" ADD CONSTRAINT "use_ranges_no_overlap" EXCLUDE USING gist ("issuance_id" WITH =, "serials" WITH &&);
--> statement-breakpoint
ALTER TABLE "use_ranges" ADD CONSTRAINT "use_ranges_units_valid" CHECK (jcm_valid_units("serials"));
--> statement-breakpoint
ALTER TABLE "use_ranges" ADD CONSTRAINT "use_ranges_one_use" CHECK (("claim_id" IS NULL) <> ("report_id" IS NULL));
--> statement-breakpoint
CREATE INDEX "journal_ranges_lookup" ON "journal_ranges" USING gist ("issuance_id", "serials");
--> statement-breakpoint
CREATE INDEX "use_ranges_claim" ON "use_ranges" ("claim_id");
--> statement-breakpoint
-- Units outside their issuance cannot exist in any table that describes units.
CREATE FUNCTION jcm_units_within_issuance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM issuances i WHERE i.id = NEW.issuance_id AND i.serials @> NEW.serials) THEN
    RAISE EXCEPTION 'units % lie outside issuance %', NEW.serials, NEW.issuance_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "segments_within_issuance" BEFORE INSERT OR UPDATE ON "segments" FOR EACH ROW EXECUTE FUNCTION jcm_units_within_issuance();
--> statement-breakpoint
CREATE TRIGGER "use_ranges_within_issuance" BEFORE INSERT OR UPDATE ON "use_ranges" FOR EACH ROW EXECUTE FUNCTION jcm_units_within_issuance();
--> statement-breakpoint
-- History is appended, never rewritten: a correction is a new event.
CREATE FUNCTION jcm_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER "journal_append_only" BEFORE UPDATE OR DELETE ON "journal" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();
--> statement-breakpoint
CREATE TRIGGER "journal_ranges_append_only" BEFORE UPDATE OR DELETE ON "journal_ranges" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();
--> statement-breakpoint
CREATE TRIGGER "issuances_append_only" BEFORE UPDATE OR DELETE ON "issuances" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();
--> statement-breakpoint
CREATE TRIGGER "claims_append_only" BEFORE UPDATE OR DELETE ON "claims" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();
--> statement-breakpoint
CREATE TRIGGER "government_reports_append_only" BEFORE UPDATE OR DELETE ON "government_reports" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();
--> statement-breakpoint
CREATE TRIGGER "movements_append_only" BEFORE UPDATE OR DELETE ON "movements" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();
--> statement-breakpoint
CREATE TRIGGER "use_ranges_append_only" BEFORE UPDATE OR DELETE ON "use_ranges" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();

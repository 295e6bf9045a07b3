-- Substring search of beneficiaries' names (trigram index): the register's `beneficiary=` filter.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "beneficiary_key" text;--> statement-breakpoint
-- Claims are append-only; the backfill below only derives the new columns from what each claim
-- already recorded, so the trigger is lifted for it alone.
ALTER TABLE "claims" DISABLE TRIGGER "claims_append_only";--> statement-breakpoint
-- The key of claims made before it: beneficiaryKey() of api/ledger/core/claim-terms.ts in SQL.
UPDATE "claims" SET "beneficiary_key" = btrim(regexp_replace(lower(normalize("beneficiary_name", NFKC)), '\s+', ' ', 'g'));--> statement-breakpoint
ALTER TABLE "claims" ALTER COLUMN "beneficiary_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "beneficiary_kind" text DEFAULT 'organization' NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "beneficiary_legal_id" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "framework" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "framework_tier" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "framework_operator" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "reporting_year" integer;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "scopes" smallint[];--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "project_refs" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
UPDATE "claims" c SET "project_refs" = ARRAY(
  SELECT DISTINCT i.project_ref FROM segments s JOIN issuances i ON i.id = s.issuance_id WHERE s.claim_id = c.id ORDER BY 1
);--> statement-breakpoint
ALTER TABLE "claims" ENABLE TRIGGER "claims_append_only";--> statement-breakpoint
CREATE INDEX "claims_beneficiary" ON "claims" USING btree ("beneficiary_key","id");--> statement-breakpoint
CREATE INDEX "claims_beneficiary_search" ON "claims" USING gin ("beneficiary_key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "claims_project_refs" ON "claims" USING gin ("project_refs");--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_beneficiary_kind" CHECK ("claims"."beneficiary_kind" in ('organization', 'person'));--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_reason" CHECK ("claims"."reason" in ('corporate_inventory', 'on_behalf_of_third_party', 'product_or_service', 'environmental_benefit', 'compliance', 'other'));--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_framework" CHECK ("claims"."framework" in ('vcmi', 'sbti_bvcm', 'gx_ets', 'shk', 'corsia', 'none', 'other'));--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_framework_tier" CHECK (("claims"."framework_tier" is not null) = ("claims"."framework" is not distinct from 'vcmi')
          and ("claims"."framework_tier" is null or "claims"."framework_tier" in ('silver', 'gold', 'platinum', 'scope3_action')));--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_framework_operator" CHECK (("claims"."framework_operator" is not null) = ("claims"."framework" is not distinct from 'corsia'));--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_reporting_year" CHECK ("claims"."reporting_year" between 1990 and 2100);--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_scopes" CHECK ("claims"."scopes" <@ '{1,2,3}'::smallint[] and cardinality("claims"."scopes") > 0);--> statement-breakpoint
-- Claims made from now on: a compensation states its reporting year, unless the chain made it
-- (an on-chain retirement carries no year). Earlier claims predate the field (NOT VALID).
ALTER TABLE "claims" ADD CONSTRAINT "claims_compensation_reporting_year"
  CHECK ("claim_type" <> 'compensation' OR "reporting_year" IS NOT NULL OR "tx_hash" IS NOT NULL) NOT VALID;

CREATE TABLE "authorization_versions" (
	"authorization_id" text NOT NULL,
	"version" integer NOT NULL,
	"date" date NOT NULL,
	"cooperative_approach_id" text,
	"purposes" text[] NOT NULL,
	"oimp_purposes" text[] NOT NULL,
	"authorized_parties" text[] NOT NULL,
	"authorized_entities" text[] NOT NULL,
	"first_transfer" text,
	"timeframe_start" date,
	"timeframe_end" date,
	"terms" text,
	"documentation_url" text,
	"serials" text[] NOT NULL,
	"quantity" bigint NOT NULL,
	"journal_seq" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "authorization_versions_authorization_id_version_pk" PRIMARY KEY("authorization_id","version"),
	CONSTRAINT "authorization_versions_version" CHECK ("authorization_versions"."version" >= 1),
	CONSTRAINT "authorization_versions_purposes" CHECK (cardinality("authorization_versions"."purposes") > 0 AND "authorization_versions"."purposes" <@ ARRAY['ndc', 'oimp', 'op']::text[]),
	CONSTRAINT "authorization_versions_oimp_purposes" CHECK ("authorization_versions"."oimp_purposes" <@ ARRAY['corsia', 'voluntary', 'other']::text[]),
	CONSTRAINT "authorization_versions_first_transfer" CHECK (("authorization_versions"."first_transfer" IS NULL AND NOT 'oimp' = ANY("authorization_versions"."purposes"))
          OR "authorization_versions"."first_transfer" in ('authorization', 'issuance', 'use_or_cancellation'))
);
--> statement-breakpoint
CREATE TABLE "authorizations" (
	"id" text PRIMARY KEY NOT NULL,
	"party" text NOT NULL,
	"reference" text NOT NULL,
	"organization_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cooperative_approaches" (
	"partner" text PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cooperative_approaches_id_form" CHECK ("cooperative_approaches"."id" ~ '^CA[0-9]{4,8}$'),
	CONSTRAINT "cooperative_approaches_partner_form" CHECK ("cooperative_approaches"."partner" ~ '^[A-Z]{2}$' AND "cooperative_approaches"."partner" <> 'JP')
);
--> statement-breakpoint
ALTER TABLE "government_reports" DROP CONSTRAINT "government_reports_kind";--> statement-breakpoint
ALTER TABLE "segments" DROP CONSTRAINT "segments_state";--> statement-breakpoint
ALTER TABLE "government_reports" ADD COLUMN "details" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "authorization_id" text;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "first_transferred" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "authorization_versions" ADD CONSTRAINT "authorization_versions_authorization_id_authorizations_id_fk" FOREIGN KEY ("authorization_id") REFERENCES "public"."authorizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorizations" ADD CONSTRAINT "authorizations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "authorizations_reference" ON "authorizations" USING btree ("party","reference");--> statement-breakpoint
CREATE INDEX "authorizations_party" ON "authorizations" USING btree ("party");--> statement-breakpoint
CREATE UNIQUE INDEX "cooperative_approaches_id" ON "cooperative_approaches" USING btree ("id");--> statement-breakpoint
ALTER TABLE "government_reports" ADD CONSTRAINT "government_reports_kind" CHECK ("government_reports"."kind" in ('ndc_use', 'authorization', 'corresponding_adjustment', 'first_transfer', 'cancellation'));--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_first_transfer_authorized" CHECK (NOT "segments"."first_transferred" OR "segments"."authorization_id" IS NOT NULL);--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_state" CHECK ("segments"."state" in ('in_registry', 'held', 'tokenized', 'claimed', 'government_used', 'cancelled'));--> statement-breakpoint
-- Cancelled units, like units counted toward an NDC, are used by a report and held by no one.
ALTER TABLE "segments" DROP CONSTRAINT "segments_state_refs";--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_state_refs" CHECK (
  ("state" = 'in_registry' AND "holder" IS NULL AND "claim_id" IS NULL AND "report_id" IS NULL AND "token_id" IS NULL)
  OR ("state" = 'held' AND "holder" IS NOT NULL AND "claim_id" IS NULL AND "report_id" IS NULL AND "token_id" IS NULL)
  OR ("state" = 'tokenized' AND "holder" IS NOT NULL AND "token_id" IS NOT NULL AND "claim_id" IS NULL AND "report_id" IS NULL)
  OR ("state" = 'claimed' AND "claim_id" IS NOT NULL AND "report_id" IS NULL AND "token_id" IS NULL)
  OR ("state" IN ('government_used', 'cancelled') AND "report_id" IS NOT NULL AND "holder" IS NULL AND "claim_id" IS NULL AND "token_id" IS NULL)
);--> statement-breakpoint
CREATE TRIGGER "authorizations_append_only" BEFORE UPDATE OR DELETE ON "authorizations" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();--> statement-breakpoint
CREATE TRIGGER "authorization_versions_append_only" BEFORE UPDATE OR DELETE ON "authorization_versions" FOR EACH ROW EXECUTE FUNCTION jcm_append_only();--> statement-breakpoint
-- Each report of kind `authorization` becomes an authorization record, version 1, with the purposes
-- that kind always meant (NDC use and voluntary compensation) and its first transfer at use. Its id
-- is derived from the report's, as the replay of the journal derives it. A reference used twice by
-- one Party gets the report id appended, since a reference now names one authorization.
INSERT INTO "authorizations" ("id", "party", "reference", "organization_id", "created_at")
SELECT 'auz_' || substr(r."id", 5), r."party",
       CASE WHEN row_number() OVER (PARTITION BY r."party", r."reference" ORDER BY r."journal_seq") = 1
            THEN r."reference" ELSE r."reference" || ' [' || r."id" || ']' END,
       r."organization_id", r."created_at"
  FROM "government_reports" r WHERE r."kind" = 'authorization';--> statement-breakpoint
INSERT INTO "authorization_versions" ("authorization_id", "version", "date", "purposes", "oimp_purposes", "authorized_parties",
                                      "authorized_entities", "first_transfer", "serials", "quantity", "journal_seq", "created_at")
SELECT 'auz_' || substr(r."id", 5), 1, (r."created_at" AT TIME ZONE 'UTC')::date, ARRAY['ndc', 'oimp'], ARRAY['voluntary'],
       CASE WHEN r."party" = 'JP' THEN ARRAY[]::text[] ELSE ARRAY['JP'] END, ARRAY[]::text[], 'use_or_cancellation',
       r."serials", r."quantity", r."journal_seq", r."created_at"
  FROM "government_reports" r WHERE r."kind" = 'authorization';--> statement-breakpoint
-- Segments take the id of the last authorization that named them, split where reports cover part of one.
DO $$
DECLARE
  r record;
  s record;
BEGIN
  FOR r IN SELECT jr."issuance_id" AS iss, jr."serials" AS units, 'auz_' || substr(g."id", 5) AS auz
             FROM "government_reports" g JOIN "journal_ranges" jr ON jr."seq" = g."journal_seq"
            WHERE g."kind" = 'authorization' ORDER BY g."journal_seq", lower(jr."serials") LOOP
    FOR s IN SELECT * FROM "segments" WHERE "issuance_id" = r.iss AND "serials" && r.units LOOP
      DELETE FROM "segments" WHERE "id" = s."id";
      INSERT INTO "segments" ("issuance_id", "serials", "state", "holder", "claim_id", "report_id", "token_id", "authorized",
                              "authorization_id", "first_transferred", "corresponding_adjustment")
      SELECT s."issuance_id", p.units, s."state", s."holder", s."claim_id", s."report_id", s."token_id", s."authorized",
             CASE WHEN p.inside THEN r.auz ELSE s."authorization_id" END, false, s."corresponding_adjustment"
        FROM (VALUES (s."serials" * int8range(NULL, lower(r.units)), false),
                     (s."serials" * r.units, true),
                     (s."serials" * int8range(upper(r.units), NULL), false)) AS p(units, inside)
       WHERE NOT isempty(p.units);
    END LOOP;
  END LOOP;
END $$;--> statement-breakpoint
-- Under those authorizations a compensation claim was the first transfer of its units.
UPDATE "segments" s SET "first_transferred" = true FROM "claims" c
 WHERE s."claim_id" = c."id" AND c."claim_type" = 'compensation' AND s."authorization_id" IS NOT NULL;--> statement-breakpoint
-- Splitting may leave neighbours with the same attributes (a unit range authorized twice, in two
-- pieces); segments are maximal runs, so join them again in the issuances that were touched.
DO $$
DECLARE
  cur "segments"%ROWTYPE;
  s "segments"%ROWTYPE;
  have boolean := false;
BEGIN
  FOR s IN SELECT * FROM "segments" WHERE "issuance_id" IN (
             SELECT jr."issuance_id" FROM "government_reports" g JOIN "journal_ranges" jr ON jr."seq" = g."journal_seq"
              WHERE g."kind" = 'authorization')
           ORDER BY "issuance_id", lower("serials") LOOP
    IF have AND s."issuance_id" = cur."issuance_id" AND lower(s."serials") = upper(cur."serials")
       AND (s."state", s."holder", s."claim_id", s."report_id", s."token_id", s."authorization_id", s."first_transferred",
            s."corresponding_adjustment")
           IS NOT DISTINCT FROM (cur."state", cur."holder", cur."claim_id", cur."report_id", cur."token_id",
            cur."authorization_id", cur."first_transferred", cur."corresponding_adjustment") THEN
      DELETE FROM "segments" WHERE "id" = s."id";
      UPDATE "segments" SET "serials" = int8range(lower(cur."serials"), upper(s."serials")) WHERE "id" = cur."id";
      cur."serials" := int8range(lower(cur."serials"), upper(s."serials"));
    ELSE
      cur := s;
      have := true;
    END IF;
  END LOOP;
END $$;

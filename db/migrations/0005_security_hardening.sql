ALTER TABLE "idempotency_keys" ADD COLUMN "created_key_id" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "registries" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- A registry organization operated its own country's registry until registries could be set.
UPDATE "organizations" SET "registries" = ARRAY["country"] WHERE "role" = 'registry' AND "country" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_created_key_id_api_keys_id_fk" FOREIGN KEY ("created_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Stored answers of key creations held the secret in clear: keep the answer, drop the secret.
UPDATE "idempotency_keys"
   SET "body" = (("body"::jsonb - 'key') || jsonb_build_object('key', NULL, 'secretShown', false,
         'note', 'The secret of this key was shown once, in the first answer to this request; it is stored nowhere and cannot be shown again.'))::text,
       "created_key_id" = "body"::jsonb ->> 'id'
 WHERE "status" = 201 AND "body" LIKE '{"id":"key\_%","key":"jcmk\_%';--> statement-breakpoint
CREATE INDEX "journal_ranges_issuance_seq" ON "journal_ranges" USING btree ("issuance_id","seq");--> statement-breakpoint
CREATE INDEX "journal_ranges_seq" ON "journal_ranges" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "segments_claim" ON "segments" USING btree ("claim_id") WHERE "segments"."claim_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_registries" CHECK (("organizations"."role" = 'registry' OR cardinality("organizations"."registries") = 0) AND array_to_string("organizations"."registries", ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$');
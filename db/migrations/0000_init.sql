CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"label" text,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" text PRIMARY KEY NOT NULL,
	"claimant_id" text NOT NULL,
	"beneficiary_name" text NOT NULL,
	"beneficiary_country" text NOT NULL,
	"claim_type" text NOT NULL,
	"purpose" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"serials" text[] NOT NULL,
	"quantity" bigint NOT NULL,
	"host_countries" text[] NOT NULL,
	"tx_hash" text,
	"journal_seq" bigint NOT NULL,
	"journal_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "claims_type" CHECK ("claims"."claim_type" in ('compensation', 'contribution'))
);
--> statement-breakpoint
CREATE TABLE "government_reports" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"party" text NOT NULL,
	"kind" text NOT NULL,
	"year" integer NOT NULL,
	"reference" text NOT NULL,
	"serials" text[] NOT NULL,
	"quantity" bigint NOT NULL,
	"journal_seq" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "government_reports_kind" CHECK ("government_reports"."kind" in ('ndc_use', 'authorization', 'corresponding_adjustment'))
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"api_key_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"content_type" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_api_key_id_key_pk" PRIMARY KEY("api_key_id","key")
);
--> statement-breakpoint
CREATE TABLE "issuances" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "issuances_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_ref" text NOT NULL,
	"registry" text NOT NULL,
	"vintage" integer NOT NULL,
	"monitoring_start" date NOT NULL,
	"monitoring_end" date NOT NULL,
	"serials" "int8range" NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"chain" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"actor" text,
	"serials" text[] NOT NULL,
	"details" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_ranges" (
	"seq" bigint NOT NULL,
	"issuance_id" bigint NOT NULL,
	"serials" "int8range" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "movements" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"from_organization_id" text,
	"to_organization_id" text,
	"registry_reference" text,
	"serials" text[] NOT NULL,
	"quantity" bigint NOT NULL,
	"journal_seq" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "movements_kind" CHECK ("movements"."kind" in ('deposit', 'withdrawal', 'transfer'))
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"country" text,
	"wallet_address" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "organizations_role" CHECK ("organizations"."role" in ('admin', 'registry', 'government', 'company'))
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"ref" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"host_country" text NOT NULL,
	"methodology" text NOT NULL,
	"sector" text,
	"registered_on" date,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issuance_id" bigint NOT NULL,
	"serials" "int8range" NOT NULL,
	"state" text NOT NULL,
	"holder" text,
	"claim_id" text,
	"report_id" text,
	"token_id" text,
	"authorized" boolean NOT NULL,
	"corresponding_adjustment" boolean NOT NULL,
	CONSTRAINT "segments_state" CHECK ("segments"."state" in ('in_registry', 'held', 'tokenized', 'claimed', 'government_used'))
);
--> statement-breakpoint
CREATE TABLE "use_ranges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issuance_id" bigint NOT NULL,
	"serials" "int8range" NOT NULL,
	"claim_id" text,
	"report_id" text
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_claimant_id_organizations_id_fk" FOREIGN KEY ("claimant_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "government_reports" ADD CONSTRAINT "government_reports_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_project_ref_projects_ref_fk" FOREIGN KEY ("project_ref") REFERENCES "public"."projects"("ref") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_created_by_organizations_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_ranges" ADD CONSTRAINT "journal_ranges_seq_journal_seq_fk" FOREIGN KEY ("seq") REFERENCES "public"."journal"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_ranges" ADD CONSTRAINT "journal_ranges_issuance_id_issuances_id_fk" FOREIGN KEY ("issuance_id") REFERENCES "public"."issuances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "movements" ADD CONSTRAINT "movements_actor_id_organizations_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "movements" ADD CONSTRAINT "movements_from_organization_id_organizations_id_fk" FOREIGN KEY ("from_organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "movements" ADD CONSTRAINT "movements_to_organization_id_organizations_id_fk" FOREIGN KEY ("to_organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_issuance_id_issuances_id_fk" FOREIGN KEY ("issuance_id") REFERENCES "public"."issuances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_holder_organizations_id_fk" FOREIGN KEY ("holder") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "use_ranges" ADD CONSTRAINT "use_ranges_issuance_id_issuances_id_fk" FOREIGN KEY ("issuance_id") REFERENCES "public"."issuances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_org" ON "api_keys" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "claims_claimant" ON "claims" USING btree ("claimant_id","id");--> statement-breakpoint
CREATE INDEX "government_reports_party" ON "government_reports" USING btree ("party","year");--> statement-breakpoint
CREATE INDEX "issuances_project" ON "issuances" USING btree ("project_ref");--> statement-breakpoint
CREATE INDEX "journal_chain" ON "journal" USING btree ("chain","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "journal_hash" ON "journal" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "segments_holder" ON "segments" USING btree ("holder","state");
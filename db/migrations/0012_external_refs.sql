CREATE TABLE "external_refs" (
	"system" text NOT NULL,
	"ref_id" text NOT NULL,
	"kind" text NOT NULL,
	"record_id" text NOT NULL,
	"serials" text[] NOT NULL,
	"journal_seq" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "external_refs_system_ref_id_pk" PRIMARY KEY("system","ref_id"),
	CONSTRAINT "external_refs_kind" CHECK ("external_refs"."kind" in ('issuance', 'deposit', 'withdrawal'))
);
--> statement-breakpoint
ALTER TABLE "external_refs" ADD CONSTRAINT "external_refs_journal_seq_journal_seq_fk" FOREIGN KEY ("journal_seq") REFERENCES "public"."journal"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "external_refs_record" ON "external_refs" USING btree ("record_id");
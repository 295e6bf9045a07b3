CREATE TABLE "journal_root_entries" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"root_id" bigint NOT NULL,
	"leaf_index" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_roots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"root" text NOT NULL,
	"from_seq" bigint NOT NULL,
	"to_seq" bigint NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"anchor_chain_id" bigint,
	"anchor_contract" text,
	"anchor_tx_hash" text,
	"anchor_block" bigint
);
--> statement-breakpoint
ALTER TABLE "journal_root_entries" ADD CONSTRAINT "journal_root_entries_seq_journal_seq_fk" FOREIGN KEY ("seq") REFERENCES "public"."journal"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_root_entries" ADD CONSTRAINT "journal_root_entries_root_id_journal_roots_id_fk" FOREIGN KEY ("root_id") REFERENCES "public"."journal_roots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "journal_root_entries_leaf" ON "journal_root_entries" USING btree ("root_id","leaf_index");
CREATE TABLE "chain_cursor" (
	"contract" text PRIMARY KEY NOT NULL,
	"chain_id" bigint NOT NULL,
	"last_block" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_drift" (
	"token_id" text PRIMARY KEY NOT NULL,
	"on_chain" text NOT NULL,
	"expected" text NOT NULL,
	"ledger_tokenized" text NOT NULL,
	"pending" text NOT NULL,
	"block_number" bigint NOT NULL,
	"checked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_logs" (
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"event" text NOT NULL,
	"token_id" text NOT NULL,
	"amount" text NOT NULL,
	"account" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" text,
	"claim_id" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "chain_logs_tx_hash_log_index_pk" PRIMARY KEY("tx_hash","log_index")
);
--> statement-breakpoint
CREATE TABLE "chain_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"organization_id" text NOT NULL,
	"issuance_id" bigint NOT NULL,
	"serials" text[] NOT NULL,
	"quantity" bigint NOT NULL,
	"address" text NOT NULL,
	"op_id" text NOT NULL,
	"status" text NOT NULL,
	"tx_hash" text,
	"raw_tx" text,
	"block_number" bigint,
	"attempts" integer NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"applied_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "chain_outbox_kind" CHECK ("chain_outbox"."kind" in ('mint', 'burn')),
	CONSTRAINT "chain_outbox_status" CHECK ("chain_outbox"."status" in ('pending', 'sent', 'confirmed'))
);
--> statement-breakpoint
ALTER TABLE "chain_outbox" ADD CONSTRAINT "chain_outbox_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chain_outbox" ADD CONSTRAINT "chain_outbox_issuance_id_issuances_id_fk" FOREIGN KEY ("issuance_id") REFERENCES "public"."issuances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chain_outbox_op" ON "chain_outbox" USING btree ("op_id");--> statement-breakpoint
CREATE INDEX "chain_outbox_due" ON "chain_outbox" USING btree ("status","next_attempt_at");
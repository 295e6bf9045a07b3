CREATE TABLE "journal_seal_horizon" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"seq" bigint NOT NULL,
	"xid_bound" bigint NOT NULL,
	CONSTRAINT "journal_seal_horizon_one" CHECK ("journal_seal_horizon"."id" = 1)
);
--> statement-breakpoint
-- Roots now tile the journal: each covers every entry after the previous root's last one. Entries
-- of transactions still in flight when the last root of the old sealer was made stay unsealed.
INSERT INTO "journal_seal_horizon" ("id", "seq", "xid_bound") VALUES (1, 0, 0);

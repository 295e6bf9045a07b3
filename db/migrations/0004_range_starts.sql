CREATE INDEX "issuances_start" ON "issuances" USING btree ("registry",lower("serials"));--> statement-breakpoint
CREATE INDEX "segments_start" ON "segments" USING btree ("issuance_id",lower("serials"));--> statement-breakpoint
CREATE INDEX "use_ranges_start" ON "use_ranges" USING btree ("issuance_id",lower("serials"));
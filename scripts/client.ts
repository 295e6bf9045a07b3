import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { clientSchemaSource } from "./client-schema.js";

/**
 * `npm run client:generate`: writes the typed client's schema (`api/client/schema.ts`) from the
 * OpenAPI document the server serves. The tests regenerate it and compare, so a route changed
 * without regenerating fails the suite.
 */
const target = fileURLToPath(new URL("../api/client/schema.ts", import.meta.url));
writeFileSync(target, await clientSchemaSource());
console.log(`wrote ${target}`);

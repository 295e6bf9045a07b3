import { createEmbedded } from "./client.js";

/**
 * `openDatabase` runs this in a child process on an empty DATA_DIR: it creates the embedded
 * database with its schema and exits, and the memory PostgreSQL's initdb takes inside PGlite goes
 * with it (a server that created its own database kept some 150 MB more than one that reopened it).
 */
const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: create-embedded <dataDir>");
await createEmbedded(dataDir);

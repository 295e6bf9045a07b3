import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { date, day, rows, str, strOrNull } from "../../../db/values.js";
import { InvalidRequest, NotFound, StateConflict } from "../core/errors.js";
import { appendJournal } from "../journal/journal.js";
import { type IssuanceView, listIssuancesOfProject } from "../read/issuances.js";
import { isConstraintViolation } from "../store/pg-errors.js";
import { transact } from "../store/transact.js";
import type { Actor, Deps } from "./deps.js";

export interface ProjectParams {
  ref: string;
  title: string;
  hostCountry: string;
  methodology: string;
  sector?: string | null | undefined;
  registeredOn?: string | null | undefined;
}

export interface Project {
  ref: string;
  title: string;
  hostCountry: string;
  methodology: string;
  sector: string | null;
  registeredOn: string | null;
  createdAt: string;
}

export interface ProjectWithIssuances extends Project {
  issuances: IssuanceView[];
  /** Where the project's issuances continue (`?cursor=`), or null. */
  issuancesNextCursor: string | null;
}

function projectFromRow(r: Record<string, unknown>): Project {
  return {
    ref: str(r.ref),
    title: str(r.title),
    hostCountry: str(r.host_country),
    methodology: str(r.methodology),
    sector: strOrNull(r.sector),
    registeredOn: r.registered_on === null ? null : day(r.registered_on),
    createdAt: date(r.created_at).toISOString(),
  };
}

/** A JCM reference starts with its host country's code: TH001 is hosted by Thailand. */
function hostFault(p: ProjectParams): string | undefined {
  const prefix = p.ref.slice(0, 2);
  return prefix === p.hostCountry ? undefined : `must be ${prefix}, the country of the reference ${p.ref}`;
}

export async function createProject(deps: Deps, actor: Actor, p: ProjectParams): Promise<Project> {
  const fault = hostFault(p);
  if (fault) throw new InvalidRequest([{ path: "hostCountry", message: fault }]);
  const at = deps.clock();
  try {
    return await transact(deps.db, async (tx) => {
      const [row] = await rows(
        tx,
        sql`INSERT INTO projects (ref, title, host_country, methodology, sector, registered_on, created_at)
            VALUES (${p.ref}, ${p.title}, ${p.hostCountry}, ${p.methodology}, ${p.sector ?? null},
                    ${p.registeredOn ?? null}, ${at.toISOString()})
            RETURNING *`,
      );
      const project = projectFromRow(row ?? {});
      await appendJournal(tx, [
        {
          chain: `prj:${p.ref}`,
          kind: "project.created",
          actor: actor.id,
          at,
          serials: [],
          details: { ...project, createdAt: undefined },
          ranges: [],
        },
      ]);
      return project;
    });
  } catch (error) {
    if (isConstraintViolation(error, "projects_pkey")) {
      throw new StateConflict("project_exists", `Project ${p.ref} is already registered`);
    }
    throw error;
  }
}

export async function findProject(db: Db, ref: string): Promise<Project | undefined> {
  const [row] = await rows(db, sql`SELECT * FROM projects WHERE ref = ${ref}`);
  return row ? projectFromRow(row) : undefined;
}

export async function getProject(
  db: Db,
  ref: string,
  page: { limit: number; cursor: bigint | undefined },
): Promise<ProjectWithIssuances> {
  const project = await findProject(db, ref);
  if (!project) throw new NotFound("project_not_found", `No project with reference ${ref}`);
  const { issuances, nextCursor } = await listIssuancesOfProject(db, ref, page);
  return { ...project, issuances, issuancesNextCursor: nextCursor };
}

export async function listProjects(db: Db, limit: number, cursor: string | undefined): Promise<Project[]> {
  const found = await rows(
    db,
    // Every reference sorts after the empty text: no cursor is the first page.
    sql`SELECT * FROM projects WHERE ref > ${cursor ?? ""} ORDER BY ref LIMIT ${limit}`,
  );
  return found.map(projectFromRow);
}

import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import {
  bearer,
  body,
  Country,
  IdempotencyHeaders,
  IsoDate,
  json,
  Limit,
  NumericCursor,
  Page,
  problems,
  Text,
} from "../../http/schemas.js";
import { Issuance } from "../issuances/issuances.routes.js";

export const ProjectRef = z
  .string()
  .regex(/^[A-Z]{2}[0-9]{3}$/, "must be a JCM project reference: two capitals and three digits, e.g. MN006")
  .openapi({ example: "MN006" });

export const Project = z
  .object({
    ref: z.string(),
    title: z.string(),
    hostCountry: z.string(),
    methodology: z.string(),
    sector: z.string().nullable(),
    registeredOn: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Project");

const ProjectBody = z
  .object({
    ref: ProjectRef,
    title: Text(500),
    hostCountry: Country,
    methodology: Text(200).openapi({ example: "MN_AM003" }),
    sector: Text(200).optional(),
    registeredOn: IsoDate.optional(),
  })
  .strict();

export const createProject = createRoute({
  method: "post",
  path: "/v1/projects",
  tags: ["Registry data"],
  summary: "Register a JCM project (registry)",
  middleware: requireRole("registry"),
  security: bearer,
  request: { headers: IdempotencyHeaders, body: body(ProjectBody) },
  responses: { 201: json(Project, "The project"), ...problems(400, 401, 403, 409, 413, 415, 422) },
});

export const getProject = createRoute({
  method: "get",
  path: "/v1/projects/{ref}",
  tags: ["Registry data"],
  summary: "A project with its issuances, oldest first, a page at a time (public)",
  request: {
    params: z.object({ ref: z.string().max(16) }),
    query: z.object({
      limit: Limit.default(500).openapi({ description: "issuances per page" }),
      cursor: NumericCursor,
    }),
  },
  responses: {
    200: json(
      Project.extend({ issuances: z.array(Issuance), issuancesNextCursor: z.string().nullable() }).openapi(
        "ProjectWithIssuances",
      ),
      "The project",
    ),
    ...problems(400, 404),
  },
});

export const listProjects = createRoute({
  method: "get",
  path: "/v1/projects",
  tags: ["Registry data"],
  summary: "Projects by reference (public)",
  request: { query: Page },
  responses: {
    200: json(z.object({ data: z.array(Project), nextCursor: z.string().nullable() }), "A page of projects"),
    ...problems(400),
  },
});

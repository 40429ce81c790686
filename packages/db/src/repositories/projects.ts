// Projects: found by slug, and created on first use (a sweep, an import or a local sign-in may name a
// project nobody set up; on a local stack that needs no ceremony).
import type { Project } from '../generated/prisma/client.js';
import type { DbClient } from './db-client.js';

/** The project with this slug, or null. */
export function findProjectBySlug(db: DbClient, slug: string): Promise<Project | null> {
  return db.project.findUnique({ where: { slug } });
}

/**
 * The project with this slug, created (named `name`, default the slug) when it does not exist yet. An
 * existing project is returned unchanged; concurrent callers get the same row.
 */
export function ensureProject(db: DbClient, slug: string, name: string = slug): Promise<Project> {
  return db.project.upsert({ where: { slug }, update: {}, create: { slug, name } });
}

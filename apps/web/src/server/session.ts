// Who is signed in, for server components: the API's own answer (auth.me), so the page and the API never
// disagree about a session. The dashboard layout redirects to /login when there is none.
import 'server-only';
import { TRPCError } from '@trpc/server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { REQUEST_PATH_HEADER } from '../lib/request-path';
import { serverCaller } from './caller';

export const signedInUser = cache(async () => {
  try {
    return await (await serverCaller()).auth.me();
  } catch (e) {
    if (e instanceof TRPCError && e.code === 'UNAUTHORIZED') return null;
    throw e;
  }
});

export type SignedInUser = NonNullable<Awaited<ReturnType<typeof signedInUser>>>;

export async function requireUser(): Promise<SignedInUser> {
  const user = await signedInUser();
  if (user === null) {
    const path = (await headers()).get(REQUEST_PATH_HEADER);
    redirect(path ? `/login?next=${encodeURIComponent(path)}` : '/login');
  }
  return user;
}

/** The projects the caller can act in, with the actions each allows. */
export const myProjects = cache(async () => (await serverCaller()).projects.list());

export type MyProject = Awaited<ReturnType<typeof myProjects>>[number];

/** The project a page is about: `?project=` when the caller is in it, else their first project. */
export async function chosenProject(requested: string | string[] | undefined): Promise<MyProject | null> {
  const projects = await myProjects();
  return projects.find((p) => p.slug === requested) ?? projects[0] ?? null;
}

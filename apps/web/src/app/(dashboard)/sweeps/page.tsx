import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ProjectSwitcher } from '../../../components/project-switcher';
import { SweepList } from '../../../components/sweeps/sweep-list';
import type { PageWithSearch } from '../../../lib/page-props';
import { cursorPages } from '../../../lib/cursor-pages';
import { SWEEP_PAGE_SIZE } from '../../../lib/paging';
import { getQueryClient, serverCaller, trpc } from '../../../server/caller';
import { chosenProject, myProjects } from '../../../server/session';

export const metadata: Metadata = { title: 'Sweeps' };

export default async function SweepsPage({ searchParams }: PageWithSearch) {
  const project = await chosenProject((await searchParams).project);
  if (project === null) {
    return <p className="notice">You are not a member of any project yet; ask an admin to add you.</p>;
  }
  const queryClient = getQueryClient();
  const caller = await serverCaller();
  await queryClient.prefetchInfiniteQuery(
    cursorPages(
      trpc.sweeps.list.pathKey(),
      { project: project.slug, limit: SWEEP_PAGE_SIZE },
      caller.sweeps.list,
    ),
  );
  return (
    <>
      <h1>Sweeps in {project.name}</h1>
      <ProjectSwitcher projects={await myProjects()} current={project.slug} path="/sweeps" />
      {project.actions.includes('sweep.submit') && (
        <p>
          <Link className="button" href="/submit" data-testid="submit-link">
            Submit a sweep
          </Link>
        </p>
      )}
      <HydrationBoundary state={dehydrate(queryClient)}>
        <SweepList project={project.slug} />
      </HydrationBoundary>
    </>
  );
}

import Link from 'next/link';
import type { MyProject } from '../server/session';

/** Links to the same page in each of the caller's projects (only shown with more than one). */
export function ProjectSwitcher({
  projects,
  current,
  path,
}: {
  projects: MyProject[];
  current: string;
  path: string;
}) {
  if (projects.length < 2) return null;
  return (
    <nav aria-label="Projects" className="toolbar" data-testid="project-switcher">
      {projects.map((p) =>
        p.slug === current ? (
          <strong key={p.slug} aria-current="page">
            {p.name}
          </strong>
        ) : (
          <Link key={p.slug} href={`${path}?project=${encodeURIComponent(p.slug)}`}>
            {p.name}
          </Link>
        ),
      )}
    </nav>
  );
}

// Every dashboard page is behind a session: without one the browser goes to /login.
import type { ReactNode } from 'react';
import { SiteHeader } from '../../components/site-header';
import { requireUser } from '../../server/session';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <SiteHeader user={user} />
      <main id="content">{children}</main>
    </>
  );
}

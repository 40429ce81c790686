import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import type { PageWithSearch } from '../../lib/page-props';
import { safeNextPath } from '../../lib/safe-next';
import { signedInUser } from '../../server/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: PageWithSearch) {
  const next = safeNextPath((await searchParams).next);
  if ((await signedInUser()) !== null) redirect(next);
  return (
    <main id="content" className="login">
      <h1>Sign in to MedSweep</h1>
      <LoginForm next={next} />
    </main>
  );
}

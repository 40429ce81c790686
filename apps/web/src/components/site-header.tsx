import Link from 'next/link';
import type { SignedInUser } from '../server/session';
import { LogoutButton } from './logout-button';

export function SiteHeader({ user }: { user: SignedInUser }) {
  return (
    <header className="site-header">
      <Link className="brand" href="/sweeps">
        MedSweep
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <Link href="/sweeps" data-testid="nav-sweeps">
              Sweeps
            </Link>
          </li>
          <li>
            <Link href="/submit" data-testid="nav-submit">
              Submit
            </Link>
          </li>
          <li>
            <Link href="/audit" data-testid="nav-audit">
              Audit
            </Link>
          </li>
          {user.instanceActions.includes('instance.audit') && (
            <li>
              <Link href="/audit/instance" data-testid="nav-instance-audit">
                Instance audit
              </Link>
            </li>
          )}
          <li>
            <Link href="/account" data-testid="nav-account">
              Account
            </Link>
          </li>
        </ul>
      </nav>
      <div className="who">
        <span data-testid="current-user">{user.user.displayName ?? user.user.email}</span>
        <span className="muted" data-testid="current-roles">
          {user.memberships.map((m) => `${m.project}: ${m.role}`).join(', ') || 'no projects'}
        </span>
        <LogoutButton />
      </div>
    </header>
  );
}

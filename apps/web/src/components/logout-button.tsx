'use client';
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../trpc/client';

export function LogoutButton() {
  const trpc = useTRPC();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({ onSettled: () => location.assign('/login') }),
  );
  return (
    <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending} data-testid="logout">
      Sign out
    </button>
  );
}

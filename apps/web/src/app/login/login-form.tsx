'use client';
import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { errorMessage } from '../../lib/api-error';
import { useTRPC } from '../../trpc/client';

export function LoginForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      // A full navigation, so server components render with the new session cookie.
      onSuccess: () => location.assign(next),
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    login.mutate({ email: String(form.get('email')), password: String(form.get('password')) });
  };
  return (
    <form className="login" onSubmit={submit} data-testid="login-form" style={{ margin: 0 }}>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required data-testid="login-email" />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          data-testid="login-password"
        />
      </label>
      <button className="primary" type="submit" disabled={login.isPending} data-testid="login-submit">
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      {login.isError && (
        <p className="notice error" role="alert" data-testid="login-error">
          {errorMessage(login.error)}
        </p>
      )}
    </form>
  );
}

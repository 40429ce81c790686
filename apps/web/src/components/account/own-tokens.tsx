'use client';
// The caller's own API tokens: making one (its secret shown once, here and nowhere else), listing them
// in every project, and revoking one. The roles offered are those within the caller's role in the chosen
// project, as the API checks them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { OWN_TOKEN_DAYS, roleWithin, ROLES } from '@medsweep/api/permissions';
import { errorMessage } from '../../lib/api-error';
import { formatTime } from '../../lib/format';
import { useTRPC } from '../../trpc/client';

type Role = (typeof ROLES)[number];

export interface TokenProject {
  slug: string;
  name: string;
  role: Role;
}

/** Whether a token can still be used: not revoked, not expired. */
function tokenState(token: { revokedAt: Date | null; expiresAt: Date | null }, now: number): string {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

export function OwnTokens({ projects }: { projects: TokenProject[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.auth.listTokens.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.auth.listTokens.pathFilter());
  const create = useMutation(trpc.auth.createToken.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.auth.revokeToken.mutationOptions({ onSuccess: refresh }));
  const [project, setProject] = useState(projects[0]?.slug ?? '');
  const myRole = projects.find((p) => p.slug === project)?.role ?? null;
  const roles = ROLES.filter((r) => roleWithin(r, myRole));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      project,
      name: String(form.get('name')),
      role: String(form.get('role')) as Role,
      expiresInDays: Number(form.get('expiresInDays')),
    });
  };

  const now = Date.now();
  return (
    <>
      {projects.length === 0 ? (
        <p className="notice">You are in no project yet, so there is nothing a token could act in.</p>
      ) : (
        <form className="toolbar" onSubmit={submit} data-testid="token-form">
          <label>
            Project
            <select value={project} onChange={(e) => setProject(e.target.value)} data-testid="token-project">
              {projects.map((p) => (
                <option key={p.slug} value={p.slug}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Name
            <input name="name" required maxLength={100} placeholder="laptop" data-testid="token-name" />
          </label>
          {/* Keyed by project: the default is the caller's role there. */}
          <label key={project}>
            Role
            <select name="role" defaultValue={myRole ?? undefined} data-testid="token-role">
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            Expires in (days)
            <input
              name="expiresInDays"
              type="number"
              min={1}
              max={OWN_TOKEN_DAYS.max}
              defaultValue={OWN_TOKEN_DAYS.default}
              required
              data-testid="token-days"
            />
          </label>
          <button className="primary" type="submit" disabled={create.isPending} data-testid="token-create">
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </form>
      )}
      <div aria-live="polite">
        {create.isSuccess && (
          <div className="notice success" data-testid="token-created">
            Token <strong>{create.data.name}</strong> for {create.data.project} ({create.data.role}), expiring{' '}
            {formatTime(create.data.expiresAt)}. Copy it now: it is shown only this once.
            <pre className="mono" data-testid="token-secret" style={{ whiteSpace: 'pre-wrap' }}>
              {create.data.secret}
            </pre>
          </div>
        )}
        {[create, revoke].map(
          (m, i) =>
            m.isError && (
              <p key={i} className="notice error" role="alert" data-testid="token-error">
                {errorMessage(m.error)}
              </p>
            ),
        )}
      </div>
      {tokens.isError ? (
        <p className="notice error" role="alert">
          {errorMessage(tokens.error)}
        </p>
      ) : (
        <table className="data" data-testid="token-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Project</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col" aria-label="Revoke" />
            </tr>
          </thead>
          <tbody>
            {(tokens.data ?? []).map((t) => {
              const state = tokenState(t, now);
              return (
                <tr key={t.id} data-testid="token-row" data-name={t.name} data-state={state}>
                  <td>{t.name}</td>
                  <td>{t.project.name}</td>
                  <td>{t.role}</td>
                  <td>{formatTime(t.createdAt)}</td>
                  <td>{t.expiresAt === null ? 'never' : formatTime(t.expiresAt)}</td>
                  <td>{t.lastUsedAt === null ? 'never' : formatTime(t.lastUsedAt)}</td>
                  <td>{state}</td>
                  <td>
                    {state === 'active' && (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => {
                          if (
                            confirm(`Revoke the token ${t.name}? Anything using it is refused from then on.`)
                          )
                            revoke.mutate({ tokenId: t.id });
                        }}
                        disabled={revoke.isPending}
                        data-testid="token-revoke"
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

'use client';
// A page that failed to render: the API's message (e.g. a role refused) and a way to try again.
export default function DashboardError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="notice error" role="alert" data-testid="page-error">
      <p>{error.message || 'This page could not be shown.'}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}

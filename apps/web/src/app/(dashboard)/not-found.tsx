import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="notice" data-testid="not-found">
      <p>There is nothing here: the sweep or trial does not exist, or its id is mistyped.</p>
      <Link href="/sweeps">Back to sweeps</Link>
    </div>
  );
}

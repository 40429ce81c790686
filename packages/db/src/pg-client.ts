// One short-lived pg connection for administrative statements (migrations, roles, test databases), which
// Prisma's pooled client is not for.
import pg from 'pg';

/** Runs `fn` with a connected pg client on `url`, closing it afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// Runs once when the server starts: logs the Node.js version serving the dashboard, and gives a fresh
// install its first admin (and default project) from configuration, so there is someone to sign in as
// (with users present that part does nothing).
import { ensureBootstrapAdmin } from '@medsweep/api';
import { loadConfig } from '@medsweep/config';
import { apiDeps } from './server/api-deps';

export async function register(): Promise<void> {
  console.log(`[medsweep] dashboard server on Node ${process.versions.node}`);
  try {
    const result = await ensureBootstrapAdmin(apiDeps().db, loadConfig().auth);
    if (!result.created) return;
    console.log(
      `[medsweep] created the first admin ${result.email} in project '${result.project.slug}'` +
        (result.generatedPassword
          ? ` with password ${result.generatedPassword} (shown once: change it)`
          : ''),
    );
  } catch (e) {
    // The dashboard still starts: pages say what is wrong once the database is reachable.
    console.error(
      `[medsweep] could not check for a first admin: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

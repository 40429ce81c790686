// Runs once when the server starts: logs the Node.js version serving the dashboard, gives a fresh install
// its first admin (and default project) from configuration, so there is someone to sign in as (with users
// present that part does nothing), and anchors the audit chain's head outside the database every
// MEDSWEEP_AUDIT_ANCHOR_MINUTES from now on.
import { ensureBootstrapAdmin, startAuditAnchoring } from '@medsweep/api';
import { loadConfig } from '@medsweep/config';
import { apiDeps } from './server/api-deps';

export async function register(): Promise<void> {
  console.log(`[medsweep] dashboard server on Node ${process.versions.node}`);
  const config = loadConfig();
  startAuditAnchoring(apiDeps(), config.auditAnchors.everyMinutes);
  try {
    const result = await ensureBootstrapAdmin(apiDeps().db, config.auth);
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

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants';
import { securityHeaders } from './src/security-headers';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The parts of webpack's configuration this file changes. */
interface WebpackConfig {
  resolve: { conditionNames?: string[]; extensionAlias?: Record<string, string[]> };
  module: { parser?: { javascript?: Record<string, unknown> } };
}

const config: NextConfig = {
  // Webpack, not Turbopack: workspace packages are TypeScript sources exported under the
  // `@medsweep/source` condition with NodeNext `.js` specifiers, and only webpack can be told both
  // (Turbopack has no custom conditions and no extension alias), so the app needs no package build.
  webpack(webpackConfig: WebpackConfig, { isServer }) {
    webpackConfig.resolve.conditionNames = [
      '@medsweep/source',
      ...(webpackConfig.resolve.conditionNames ?? ['...']),
    ];
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] };
    if (isServer) {
      // `new URL('../prisma/migrations', import.meta.url)` in @medsweep/db names a folder on disk, not an
      // asset to bundle; import.meta.url keeps the source file's URL, so the path still resolves.
      const parser = (webpackConfig.module.parser ??= {});
      parser.javascript = { ...parser.javascript, url: false };
    }
    return webpackConfig;
  },
  // gRPC (Temporal), the Postgres driver and the native argon2 addon load from node_modules at run time.
  serverExternalPackages: [
    '@temporalio/client',
    '@temporalio/common',
    '@temporalio/proto',
    '@prisma/adapter-pg',
  ],
  outputFileTracingRoot: repoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
};

/** Next.js calls this with the phase it runs in: the development server gets its relaxed headers. */
export default function nextConfig(phase: string): NextConfig {
  const headers = securityHeaders({ development: phase === PHASE_DEVELOPMENT_SERVER });
  return { ...config, headers: async () => [{ source: '/:path*', headers }] };
}

import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ApiProvider } from '../trpc/client';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'MedSweep', template: '%s · MedSweep' },
  description: 'Sweeps, leaderboards and lineage for medical-image deep learning.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <ApiProvider>{children}</ApiProvider>
      </body>
    </html>
  );
}

// The props Next.js passes to pages, typed once (route params and search params arrive as promises).

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export interface PageWithSearch {
  searchParams: SearchParams;
}

export interface PageWithId {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}

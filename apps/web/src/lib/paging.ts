// Page sizes shared by a page's server prefetch and its client component, so the prefetched query is the
// very one the browser continues.

export const SWEEP_PAGE_SIZE = 50;
// About two screens of the virtualised table: the server-rendered first page stays small (bench:web showed
// 200 prefetched rows were most of the sweep page's HTML), later pages load as the user scrolls.
export const TRIAL_PAGE_SIZE = 60;
export const AUDIT_PAGE_SIZE = 100;

/** Request header carrying the path being rendered, so the auth guard can send people back to it. */
export const REQUEST_PATH_HEADER = 'x-medsweep-path';

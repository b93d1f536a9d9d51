/** Where the admin listener serves unless told otherwise: apart from admin-app.ts so `tierfit serve --help` loads no HTTP server. */
export const DEFAULT_ADMIN_PORT = 8889;
export const DEFAULT_ADMIN_HOST = "127.0.0.1";

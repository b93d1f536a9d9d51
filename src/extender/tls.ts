/**
 * The extender's TLS. With a server certificate and key it serves HTTPS (kube-scheduler's
 * `enableHTTPS`); with a client CA as well it is mutual TLS, as kube-scheduler's extender
 * `tlsConfig` (certFile / keyFile / caFile) speaks it: a client without a certificate signed by
 * that CA is refused in the handshake, before a byte of its request is read, on every route.
 * The files are read again when they change (cert-manager rotates them in a mounted Secret); a
 * new set takes effect for new connections, and a broken one is logged and not used.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ServerOptions } from "node:https";
import { createSecureContext, type Server as TlsServer } from "node:tls";
import type { Logger } from "pino";
import { type VolumeWatch, watchFileDirectories } from "../config/volume-watch.js";
import { TierfitError } from "../errors.js";

export interface TlsPaths {
  readonly cert: string;
  readonly key: string;
  /** CA whose certificates clients must present; absent = no client authentication. */
  readonly clientCa?: string;
}

/** PEM contents of the files in TlsPaths. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa?: Buffer;
}

/** The paths `serve --tls-cert/--tls-key/--tls-client-ca` name, checked for completeness. */
export function tlsPathsOf(flags: { tlsCert?: string; tlsKey?: string; tlsClientCa?: string }): TlsPaths | undefined {
  const { tlsCert, tlsKey, tlsClientCa } = flags;
  if (tlsCert === undefined && tlsKey === undefined) {
    if (tlsClientCa === undefined) return undefined;
    throw new TierfitError(
      "TF_ERR_INPUT",
      "--tls-client-ca needs --tls-cert and --tls-key: client certificates are checked only over HTTPS",
    );
  }
  if (tlsCert === undefined || tlsKey === undefined) {
    throw new TierfitError(
      "TF_ERR_INPUT",
      "--tls-cert and --tls-key go together: give both to serve HTTPS, or neither",
    );
  }
  return tlsClientCa === undefined
    ? { cert: tlsCert, key: tlsKey }
    : { cert: tlsCert, key: tlsKey, clientCa: tlsClientCa };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TierfitError("TF_ERR_INPUT", `cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
  }
}

/** Reads the files and checks they make a usable context (a key that matches its certificate, a CA that parses). */
export function readTlsFiles(paths: TlsPaths): TlsFiles {
  const files: TlsFiles = {
    cert: readPem(paths.cert, "certificate"),
    key: readPem(paths.key, "key"),
    ...(paths.clientCa === undefined ? {} : { clientCa: readPem(paths.clientCa, "client CA") }),
  };
  try {
    if (files.clientCa !== undefined) checkCertificates(files.clientCa);
    createSecureContext(secureContextOf(files));
  } catch (err) {
    const ca = paths.clientCa === undefined ? "" : `, client CA ${paths.clientCa}`;
    throw new TierfitError(
      "TF_ERR_INPUT",
      `the TLS files (certificate ${paths.cert}, key ${paths.key}${ca}) do not make a usable TLS setup: ${(err as Error).message}`,
    );
  }
  return files;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** Throws unless the bundle holds certificates only, at least one (OpenSSL skips what does not parse). */
function checkCertificates(bundle: Buffer): void {
  const text = bundle.toString("utf8");
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new Error("the client CA file holds no PEM certificate");
  for (const block of blocks) new X509Certificate(block);
}

function secureContextOf(files: TlsFiles): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return files.clientCa === undefined
    ? { cert: files.cert, key: files.key }
    : { cert: files.cert, key: files.key, ca: files.clientCa };
}

/** Options for an HTTPS server: mutual TLS when there is a client CA. */
export function httpsServerOptions(files: TlsFiles): ServerOptions {
  const mutual = files.clientCa !== undefined;
  return { ...secureContextOf(files), requestCert: mutual, rejectUnauthorized: mutual, minVersion: "TLSv1.2" };
}

function same(a: TlsFiles, b: TlsFiles): boolean {
  const caA = a.clientCa;
  const caB = b.clientCa;
  return (
    a.cert.equals(b.cert) && a.key.equals(b.key) && (caA === undefined ? caB === undefined : caB?.equals(caA) === true)
  );
}

/**
 * Re-reads the files whenever their directories change and installs a changed, valid set on
 * `server` for new connections. Logs every refused client: kube-scheduler only reports "remote
 * error", so the reason is in tierfit's log.
 */
export function reloadTlsOnChange(
  server: TlsServer,
  paths: TlsPaths,
  loaded: TlsFiles,
  logger: Logger,
  debounceMs?: number,
): VolumeWatch {
  let current = loaded;
  server.on("tlsClientError", (err, socket) => {
    logger.warn({ remote: socket.remoteAddress, error: err.message }, "TLS client refused");
  });
  const reload = (): void => {
    let next: TlsFiles;
    try {
      next = readTlsFiles(paths);
    } catch (err) {
      // A rotation writes the files one by one: a half-written set is logged and the old one kept.
      logger.error(
        { error: (err as Error).message },
        "TLS files changed but cannot be used; keeping the previous ones",
      );
      return;
    }
    if (same(next, current)) return;
    server.setSecureContext(secureContextOf(next));
    current = next;
    logger.info({ cert: paths.cert, clientCa: paths.clientCa ?? null }, "TLS certificates reloaded");
  };
  const files = [paths.cert, paths.key, ...(paths.clientCa === undefined ? [] : [paths.clientCa])];
  return watchFileDirectories(
    files,
    reload,
    (err) => logger.error({ error: err.message }, "cannot watch the TLS files"),
    debounceMs,
  );
}

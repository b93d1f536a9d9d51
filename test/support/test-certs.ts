/**
 * Throwaway certificates for TLS tests, made at test time (no key is kept in the repository):
 * a CA, a server certificate for localhost / 127.0.0.1 and client certificates it signs, as
 * cert-manager would issue them for the extender and kube-scheduler.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface Pem {
  readonly cert: string;
  readonly key: string;
}

const EC = { keyType: "ec", algorithm: "sha256" } as const;

export async function testCa(name: string): Promise<Pem> {
  const pems = await generate([{ name: "commonName", value: name }], {
    ...EC,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export async function serverCert(ca: Pem): Promise<Pem> {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    ...EC,
    ca,
    extensions: [
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export async function clientCert(ca: Pem, name: string): Promise<Pem> {
  const pems = await generate([{ name: "commonName", value: name }], {
    ...EC,
    ca,
    extensions: [
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Writes files into a fresh temporary directory; returns their paths by name. */
export function writeFiles<K extends string>(files: Record<K, string>): { dir: string; paths: Record<K, string> } {
  const dir = mkdtempSync(join(tmpdir(), "tierfit-tls-"));
  const paths = {} as Record<K, string>;
  for (const [name, text] of Object.entries(files) as [K, string][]) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], text);
  }
  return { dir, paths };
}

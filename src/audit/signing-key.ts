import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'signing-key.pem';

/** The key that signs heads, and its public half as SPKI PEM (what GET /audit/key answers). */
export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
}

/**
 * SIGNING_KEY when it is given (PKCS#8 PEM, "\n" escapes allowed in an environment variable, or the
 * PKCS#8 DER in base64); otherwise the key kept in DATA_DIR/signing-key.pem, generated there once
 * (mode 0600) on the first start.
 */
export function loadSigningKey(configured: string | null, dataDir: string): SigningKey {
  const privateKey = configured !== null ? parseConfigured(configured) : keptKey(dataDir);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${configured !== null ? 'SIGNING_KEY' : join(dataDir, SIGNING_KEY_FILE)}: an Ed25519 key is needed, this one is ${privateKey.asymmetricKeyType}`);
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem };
}

function parseConfigured(text: string): KeyObject {
  try {
    if (text.includes('-----BEGIN')) return createPrivateKey({ key: text.replace(/\\n/g, '\n'), format: 'pem' });
    return createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new Error(`SIGNING_KEY is not a PKCS#8 private key (PEM, or DER in base64): ${(error as Error).message}`);
  }
}

function keptKey(dataDir: string): KeyObject {
  const file = join(dataDir, SIGNING_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': never overwrite a key that exists (another process may have made it a moment ago).
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  try {
    return createPrivateKey({ key: readFileSync(file), format: 'pem' });
  } catch (error) {
    throw new Error(`${file} is not a PKCS#8 PEM private key: ${(error as Error).message}`);
  }
}
